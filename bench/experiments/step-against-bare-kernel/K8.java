import java.util.*;
import jdk.incubator.vector.*;
/** d = 1024 one-row dot + axpy in L2 (rows x 1024), one thread; the accumulator placed at four offsets within a larger array (0, 1, 2, 3 KB): is there 4K aliasing between acc stores and x loads? */
public class K8 {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8, D = 1024;
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]);
    float[] x = new float[n * D]; float[] w = new float[D]; float[] acc = new float[D + 1024]; Random r = new Random(1);
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f; for (int j = 0; j < D; j++) w[j] = r.nextFloat() * 0.01f;
    int[] offs = {0, 1, 0, 1}; double[][] t = new double[4][reps]; double sink = 0;
    for (int rep = -reps; rep < reps; rep++) for (int k0 = 0; k0 < 4; k0++) { int k = (k0 + rep + 100) % 4; long t0 = System.nanoTime();
      sink += offs[k] == 0 ? pass(x, w, acc, 0, n) : pass8(x, w, acc, 0, n); if (rep >= 0) t[k][rep] = (System.nanoTime() - t0) * 1.0 / n; }
    for (int k = 0; k < 4; k++) { Arrays.sort(t[k]); System.out.printf("%s %.1f ns/row  ", offs[k] == 0 ? "dot4" : "dot8", t[k][reps / 2]); }
    System.out.println(sink == 1 ? "!" : "");
  }
  static double pass(float[] x, float[] w, float[] acc, int ao, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) { int o = i * D;
      FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
      for (int j = 0; j < D; j += 4 * L) { s0 = FloatVector.fromArray(S, x, o + j).fma(FloatVector.fromArray(S, w, j), s0); s1 = FloatVector.fromArray(S, x, o + j + 8).fma(FloatVector.fromArray(S, w, j + 8), s1);
        s2 = FloatVector.fromArray(S, x, o + j + 16).fma(FloatVector.fromArray(S, w, j + 16), s2); s3 = FloatVector.fromArray(S, x, o + j + 24).fma(FloatVector.fromArray(S, w, j + 24), s3); }
      float z = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD); float c = (float) ((z - 0.1) * 1e-6); s += z;
      FloatVector sc = FloatVector.broadcast(S, c);
      for (int j = 0; j < D; j += L) FloatVector.fromArray(S, x, o + j).fma(sc, FloatVector.fromArray(S, acc, ao + j)).intoArray(acc, ao + j); }
    return s + acc[ao];
  }
  static double pass8(float[] x, float[] w, float[] acc, int ao, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) { int o = i * D;
      FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
      for (int j = 0; j < D; j += 8 * L) { s0 = FloatVector.fromArray(S, x, o + j).fma(FloatVector.fromArray(S, w, j), s0); s1 = FloatVector.fromArray(S, x, o + j + 8).fma(FloatVector.fromArray(S, w, j + 8), s1);
        s2 = FloatVector.fromArray(S, x, o + j + 16).fma(FloatVector.fromArray(S, w, j + 16), s2); s3 = FloatVector.fromArray(S, x, o + j + 24).fma(FloatVector.fromArray(S, w, j + 24), s3);
        s4 = FloatVector.fromArray(S, x, o + j + 32).fma(FloatVector.fromArray(S, w, j + 32), s4); s5 = FloatVector.fromArray(S, x, o + j + 40).fma(FloatVector.fromArray(S, w, j + 40), s5);
        s6 = FloatVector.fromArray(S, x, o + j + 48).fma(FloatVector.fromArray(S, w, j + 48), s6); s7 = FloatVector.fromArray(S, x, o + j + 56).fma(FloatVector.fromArray(S, w, j + 56), s7); }
      float z = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7))).reduceLanes(VectorOperators.ADD); float c = (float) ((z - 0.1) * 1e-6); s += z;
      FloatVector sc = FloatVector.broadcast(S, c);
      for (int j = 0; j < D; j += L) FloatVector.fromArray(S, x, o + j).fma(sc, FloatVector.fromArray(S, acc, ao + j)).intoArray(acc, ao + j); }
    return s + acc[ao];
  }
}
