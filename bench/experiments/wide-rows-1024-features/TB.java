// Session-7 experiment, kept as run; see README.md here. javac --add-modules jdk.incubator.vector -d /tmp/wr *.java
import java.util.*;
import java.util.concurrent.*;
import jdk.incubator.vector.*;
/** Prototype: rows interleaved in blocks of 8 (lane = row), no horizontal sums. */
public class TB {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8;
  // xb: blocks of 8 rows: xb[(b*d + j)*8 + lane]
  static double step(float[] xb, float[] y, float[] wb, float bias, float[] g, double[] part, int fromBlock, int toBlock, int d, float scale) {
    double loss = 0; FloatVector interceptSum = FloatVector.zero(S);
    FloatVector vb = FloatVector.broadcast(S, bias);
    for (int chunk = fromBlock; chunk < toBlock; chunk += 16) {
      int chunkEnd = Math.min(toBlock, chunk + 16);
      Arrays.fill(g, 0, d * L, 0f);
      for (int b = chunk; b < chunkEnd; b++) {
        int base = b * d * L;
        FloatVector z0 = vb, z1 = FloatVector.zero(S), z2 = z1, z3 = z1;
        for (int j = 0; j < d; j += 4) {
          int o = base + j * L;
          z0 = FloatVector.fromArray(S, xb, o).fma(FloatVector.fromArray(S, wb, j * L), z0);
          z1 = FloatVector.fromArray(S, xb, o + L).fma(FloatVector.fromArray(S, wb, j * L + L), z1);
          z2 = FloatVector.fromArray(S, xb, o + 2 * L).fma(FloatVector.fromArray(S, wb, j * L + 2 * L), z2);
          z3 = FloatVector.fromArray(S, xb, o + 3 * L).fma(FloatVector.fromArray(S, wb, j * L + 3 * L), z3);
        }
        FloatVector z = z0.add(z1).add(z2.add(z3));
        FloatVector e = z.sub(FloatVector.fromArray(S, y, b * L));
        loss += e.mul(e).reduceLanes(VectorOperators.ADD);
        FloatVector r = e.mul(scale);
        interceptSum = interceptSum.add(r);
        for (int j = 0; j < d; j++) {
          int o = j * L;
          FloatVector.fromArray(S, xb, base + o).fma(r, FloatVector.fromArray(S, g, o)).intoArray(g, o);
        }
      }
      for (int j = 0; j < d * L; j++) part[j] += g[j];
    }
    part[d * L] += interceptSum.reduceLanes(VectorOperators.ADD);
    return loss;
  }
  static double read(float[] x, int from, int to) {
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    int bound = from + ((to - from) / 32) * 32;
    for (int j = from; j < bound; j += 32) {
      a0 = a0.add(FloatVector.fromArray(S, x, j)); a1 = a1.add(FloatVector.fromArray(S, x, j + 8));
      a2 = a2.add(FloatVector.fromArray(S, x, j + 16)); a3 = a3.add(FloatVector.fromArray(S, x, j + 24));
    }
    return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]), d = Integer.parseInt(a[1]), T = Integer.parseInt(a[2]);
    int blocks = n / 8;
    float[] xb = new float[n * d]; float[] y = new float[n]; float[] wb = new float[d * 8];
    Random rnd = new Random(1); for (int i = 0; i < xb.length; i++) xb[i] = rnd.nextFloat() - 0.5f;
    for (int i = 0; i < n; i++) y[i] = (i % 7) * 0.1f; for (int j = 0; j < d; j++) { float wj = 0.01f * (j % 5); for (int l = 0; l < 8; l++) wb[j * 8 + l] = wj; }
    float[][] g = new float[T][d * 8 + 16]; double[][] part = new double[T][d * 8 + 8];
    ExecutorService ex = Executors.newFixedThreadPool(T);
    int reps = 81; long[] ta = new long[reps], tb = new long[reps]; double sink = 0;
    for (int rep = 0; rep < reps; rep++) {
      boolean af = rep % 2 == 0;
      for (int k = 0; k < 2; k++) {
        final boolean A = (k == 0) == af; long t = System.nanoTime();
        List<Future<Double>> fs = new ArrayList<>();
        for (int th = 0; th < T; th++) { final int tt = th; final int fb = blocks / T * tt, tbk = tt == T - 1 ? blocks : fb + blocks / T;
          fs.add(ex.submit(() -> A ? step(xb, y, wb, 0.1f, g[tt], part[tt], fb, tbk, d, 2f / n) : read(xb, fb * d * 8, tbk * d * 8))); }
        for (Future<Double> f : fs) sink += f.get();
        long e = System.nanoTime() - t; if (A) ta[rep] = e; else tb[rep] = e;
      }
    }
    Arrays.sort(ta, 21, reps); Arrays.sort(tb, 21, reps); long ma = ta[21 + (reps - 21) / 2], mb = tb[21 + (reps - 21) / 2];
    System.out.printf("n=%d d=%d T=%d blocked step %.2f ms, read %.2f ms, step/read %.3f%n", n, d, T, ma / 1e6, mb / 1e6, (double) ma / mb);
    if (sink == 1.2345) System.out.println(); ex.shutdown();
  }
}
