package dev.descent.backend.cpu;
import java.util.*;
import jdk.incubator.vector.*;
public class Kern {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256; static final int LANES = 8;
  public static void main(String[] a) {
    int d = Integer.parseInt(a[1]), n = Integer.parseInt(a[0]); float[] x = new float[n*d]; float[] w = new float[d]; Random r = new Random(1);
    for (int i=0;i<x.length;i++) x[i]=r.nextFloat()-0.5f; for (int i=0;i<w.length;i++) w[i]=r.nextFloat();
    int V = 4; int reps = Integer.getInteger("reps", 300); double[][] t = new double[V][reps]; double[] out = new double[8]; float[] zf = new float[16]; float[] acc = new float[d + 16]; double sink = 0;
    for (int rep = -Integer.getInteger("warm", 60); rep < reps; rep++) for (int k0 = 0; k0 < V; k0++) { int k = (k0 + rep) % V;
      long t0 = System.nanoTime();
      sink += k == 0 ? v0(x, w, acc, n, d, out) : k == 1 ? v1(x, w, acc, n, d, zf) : k == 2 ? v2(x, w, acc, n, d, zf) : v3(x, w, acc, n, d, out);
      if (rep >= 0) t[k][rep] = (System.nanoTime() - t0) * 1.0 / n; }
    for (int k = 0; k < V; k++) { Arrays.sort(t[k]); System.out.printf("v%d %.2f (q1 %.2f)  ", k, t[k][reps/2], t[k][reps/4]); }
    System.out.println(); if (sink == 1) System.out.println();
  }
  // V0: production dot4 + axpy4
  static double v0(float[] x, float[] w, float[] acc, int n, int d, double[] out) {
    double s = 0;
    for (int i = 0; i < n; i += 4) { int o = i * d;
      CpuBackend.dot4(x, o, o + d, o + 2 * d, o + 3 * d, w, d, out);
      CpuBackend.axpy4(acc, x, o, o + d, o + 2 * d, o + 3 * d, (float) out[0] * 1e-3f, (float) out[1] * 1e-3f, (float) out[2] * 1e-3f, (float) out[3] * 1e-3f, d);
      s += out[0]; }
    return s;
  }
  static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromValues(SPECIES, 1, 0, 3, 2, 5, 4, 7, 6);
  static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromValues(SPECIES, 2, 3, 0, 1, 6, 7, 4, 5);
  static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromValues(SPECIES, 4, 5, 6, 7, 0, 1, 2, 3);
  static final VectorMask<Float> ODD1 = VectorMask.fromValues(SPECIES, false, true, false, true, false, true, false, true);
  static final VectorMask<Float> ODD2 = VectorMask.fromValues(SPECIES, false, false, true, true, false, false, true, true);
  static final VectorMask<Float> ODD4 = VectorMask.fromValues(SPECIES, false, false, false, false, true, true, true, true);
  static FloatVector combine(FloatVector a, FloatVector b, VectorShuffle<Float> swap, VectorMask<Float> mask) {
    return a.blend(b, mask).add(b.blend(a, mask).rearrange(swap));
  }
  // V1: dot4 with tree reduction, axpy4 from production
  static double v1(float[] x, float[] w, float[] acc, int n, int d, float[] z) {
    double s = 0;
    for (int i = 0; i < n; i += 4) { int o0 = i * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
      FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
      for (int j = 0; j < d; j += LANES) {
        FloatVector wv = FloatVector.fromArray(SPECIES, w, j);
        s0 = FloatVector.fromArray(SPECIES, x, o0 + j).fma(wv, s0);
        s1 = FloatVector.fromArray(SPECIES, x, o1 + j).fma(wv, s1);
        s2 = FloatVector.fromArray(SPECIES, x, o2 + j).fma(wv, s2);
        s3 = FloatVector.fromArray(SPECIES, x, o3 + j).fma(wv, s3);
      }
      FloatVector t = combine(combine(s0, s1, SWAP1, ODD1), combine(s2, s3, SWAP1, ODD1), SWAP2, ODD2);
      t.add(t.rearrange(SWAP4)).intoArray(z, 0);
      CpuBackend.axpy4(acc, x, o0, o1, o2, o3, z[0] * 1e-3f, z[1] * 1e-3f, z[2] * 1e-3f, z[3] * 1e-3f, d);
      s += z[0]; }
    return s;
  }
  // V2: four-row groups inline, weights and gradient in registers, rows reloaded for the gradient
  static double v2(float[] x, float[] w, float[] acc, int n, int d, float[] z) {
    double s = 0;
    FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0), w1 = FloatVector.fromArray(SPECIES, w, 8), w2 = FloatVector.fromArray(SPECIES, w, 16), w3 = FloatVector.fromArray(SPECIES, w, 24);
    FloatVector w4 = FloatVector.fromArray(SPECIES, w, 32), w5 = FloatVector.fromArray(SPECIES, w, 40), w6 = FloatVector.fromArray(SPECIES, w, 48), w7 = FloatVector.fromArray(SPECIES, w, 56);
    FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int i = 0; i < n; i += 4) {
      for (int r = 0; r < 4; r++) { int o = (i + r) * 64;
        FloatVector p = FloatVector.fromArray(SPECIES, x, o).mul(w0).add(FloatVector.fromArray(SPECIES, x, o + 8).mul(w1))
            .add(FloatVector.fromArray(SPECIES, x, o + 16).mul(w2).add(FloatVector.fromArray(SPECIES, x, o + 24).mul(w3)))
            .add(FloatVector.fromArray(SPECIES, x, o + 32).mul(w4).add(FloatVector.fromArray(SPECIES, x, o + 40).mul(w5))
                .add(FloatVector.fromArray(SPECIES, x, o + 48).mul(w6).add(FloatVector.fromArray(SPECIES, x, o + 56).mul(w7))));
        z[r] = p.reduceLanes(VectorOperators.ADD) * 1e-3f;
      }
      for (int r = 0; r < 4; r++) { int o = (i + r) * 64;
        FloatVector c = FloatVector.broadcast(SPECIES, z[r]);
        a0 = FloatVector.fromArray(SPECIES, x, o).fma(c, a0); a1 = FloatVector.fromArray(SPECIES, x, o + 8).fma(c, a1);
        a2 = FloatVector.fromArray(SPECIES, x, o + 16).fma(c, a2); a3 = FloatVector.fromArray(SPECIES, x, o + 24).fma(c, a3);
        a4 = FloatVector.fromArray(SPECIES, x, o + 32).fma(c, a4); a5 = FloatVector.fromArray(SPECIES, x, o + 40).fma(c, a5);
        a6 = FloatVector.fromArray(SPECIES, x, o + 48).fma(c, a6); a7 = FloatVector.fromArray(SPECIES, x, o + 56).fma(c, a7);
      }
      s += z[0]; }
    a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).intoArray(acc, 0);
    return s;
  }
  // V3: d = 64 fixed, gradient held in eight registers across rows
  static double v3(float[] x, float[] w, float[] acc, int n, int d, double[] out) {
    double s = 0;
    FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0), w1 = FloatVector.fromArray(SPECIES, w, 8), w2 = FloatVector.fromArray(SPECIES, w, 16), w3 = FloatVector.fromArray(SPECIES, w, 24);
    FloatVector w4 = FloatVector.fromArray(SPECIES, w, 32), w5 = FloatVector.fromArray(SPECIES, w, 40), w6 = FloatVector.fromArray(SPECIES, w, 48), w7 = FloatVector.fromArray(SPECIES, w, 56);
    FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int i = 0; i < n; i++) { int o = i * 64;
      FloatVector x0 = FloatVector.fromArray(SPECIES, x, o), x1 = FloatVector.fromArray(SPECIES, x, o + 8), x2 = FloatVector.fromArray(SPECIES, x, o + 16), x3 = FloatVector.fromArray(SPECIES, x, o + 24);
      FloatVector x4 = FloatVector.fromArray(SPECIES, x, o + 32), x5 = FloatVector.fromArray(SPECIES, x, o + 40), x6 = FloatVector.fromArray(SPECIES, x, o + 48), x7 = FloatVector.fromArray(SPECIES, x, o + 56);
      FloatVector p = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3))).add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
      float z = p.reduceLanes(VectorOperators.ADD);
      FloatVector c = FloatVector.broadcast(SPECIES, z * 1e-3f);
      a0 = x0.fma(c, a0); a1 = x1.fma(c, a1); a2 = x2.fma(c, a2); a3 = x3.fma(c, a3);
      a4 = x4.fma(c, a4); a5 = x5.fma(c, a5); a6 = x6.fma(c, a6); a7 = x7.fma(c, a7);
      s += z; }
    a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).intoArray(acc, 0);
    return s;
  }
}
