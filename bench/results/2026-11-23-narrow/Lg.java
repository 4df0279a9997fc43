package dev.descent.backend.cpu;
import java.lang.reflect.*;
import java.util.*;
import jdk.incubator.vector.*;
public class Lg {
  static final VectorSpecies<Double> Q = DoubleVector.SPECIES_256;
  static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  public static void main(String[] a) throws Exception {
    int n = 2048; Random r = new Random(1); float[] labels = new float[n]; double[] zsrc = new double[n]; float[] zf = new float[n];
    for (int i = 0; i < n; i++) { labels[i] = r.nextBoolean() ? 1 : 0; zsrc[i] = r.nextGaussian() * 3; zf[i] = (float) zsrc[i]; }
    double[] zs = new double[8]; double[] out = new double[16]; float[] fo = new float[32];
    int V = 3, reps = 400; double[][] t = new double[V][reps]; double sink = 0;
    for (int rep = -100; rep < reps; rep++) for (int k0 = 0; k0 < V; k0++) { int k = (k0 + rep) % V; long t0 = System.nanoTime();
      if (k == 0) sink += viaProduction(zsrc, labels, zs, out, n);
      else if (k == 1) sink += doubleNoLog1p(zsrc, labels, zs, out, n);
      else sink += float8(zf, labels, fo, n);
      if (rep >= 0) t[k][rep] = (System.nanoTime() - t0) * 1.0 / n; }
    for (int k = 0; k < V; k++) { Arrays.sort(t[k]); System.out.printf("v%d %.2f (q1 %.2f)  ", k, t[k][reps/2], t[k][reps/4]); }
    System.out.println(); if (sink == 1) System.out.println();
  }
  static double viaProduction(double[] zsrc, float[] labels, double[] zs, double[] out, int n) {
    double s = 0;
    for (int i = 0; i < n; i += 4) {
      out[4] = labels[i]; out[5] = labels[i + 1]; out[6] = labels[i + 2]; out[7] = labels[i + 3];
      DoubleVector z = DoubleVector.fromArray(Q, zsrc, i).add(0.1);
      DoubleVector label = DoubleVector.fromArray(Q, out, 4);
      DoubleVector e = z.abs().neg().lanewise(VectorOperators.EXP);
      DoubleVector loss = z.max(0.0).add(e.lanewise(VectorOperators.LOG1P)).sub(label.mul(z));
      DoubleVector numerator = e.blend(1.0, z.compare(VectorOperators.GE, 0.0));
      DoubleVector residual = numerator.div(e.add(1.0)).sub(label);
      loss.intoArray(zs, 0); residual.intoArray(out, 0); s += zs[0] + out[0]; }
    return s;
  }
  static double doubleNoLog1p(double[] zsrc, float[] labels, double[] zs, double[] out, int n) {
    double s = 0;
    for (int i = 0; i < n; i += 4) {
      out[4] = labels[i]; out[5] = labels[i + 1]; out[6] = labels[i + 2]; out[7] = labels[i + 3];
      DoubleVector z = DoubleVector.fromArray(Q, zsrc, i).add(0.1);
      DoubleVector label = DoubleVector.fromArray(Q, out, 4);
      DoubleVector e = z.abs().neg().lanewise(VectorOperators.EXP);
      DoubleVector onePlus = e.add(1.0);
      DoubleVector loss = z.max(0.0).add(onePlus.lanewise(VectorOperators.LOG)).sub(label.mul(z));
      DoubleVector residual = e.blend(1.0, z.compare(VectorOperators.GE, 0.0)).div(onePlus).sub(label);
      loss.intoArray(zs, 0); residual.intoArray(out, 0); s += zs[0] + out[0]; }
    return s;
  }
  static double float8(float[] zf, float[] labels, float[] fo, int n) {
    double s = 0;
    for (int i = 0; i < n; i += 8) {
      FloatVector z = FloatVector.fromArray(F, zf, i).add(0.1f);
      FloatVector label = FloatVector.fromArray(F, labels, i);
      FloatVector e = z.abs().neg().lanewise(VectorOperators.EXP);
      FloatVector loss = z.max(0f).add(e.lanewise(VectorOperators.LOG1P)).sub(label.mul(z));
      FloatVector residual = e.blend(1f, z.compare(VectorOperators.GE, 0f)).div(e.add(1f)).sub(label);
      loss.intoArray(fo, 0); residual.intoArray(fo, 8); s += fo[0] + fo[8]; }
    return s;
  }
}
