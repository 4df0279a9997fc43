import java.util.*;
import java.util.concurrent.*;
import jdk.incubator.vector.*;
/** Linear step kernels at d = 64 from memory: A one row at a time (as narrowBlock), B two rows' dots then their gradients, C four. */
public class K2 {
  static int PAD; static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8, D = 64;
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]); int pad = Integer.getInteger("pad", 0); PAD = pad; int threads = Integer.parseInt(a[1]); int reps = Integer.parseInt(a[2]);
    float[] x = new float[n * D + 16]; float[] y = new float[n]; float[] w = new float[D]; Random r = new Random(1);
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f; for (int i = 0; i < n; i++) y[i] = r.nextFloat(); for (int j = 0; j < D; j++) w[j] = r.nextFloat() * 0.1f;
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    String[] names = {"A", "B", "C", "read"}; int V = names.length; double[][] t = new double[V][reps]; double sink = 0;
    for (int rep = -reps / 3; rep < reps; rep++) for (int k0 = 0; k0 < V; k0++) { int k = (k0 + rep) % V;
      long t0 = System.nanoTime();
      List<Future<Double>> fs = new ArrayList<>();
      for (int th = 0; th < threads; th++) { int from = (int) ((long) n * th / threads), to = (int) ((long) n * (th + 1) / threads);
        fs.add(ex.submit(() -> { float[] g = new float[D + 16];
          return k == 0 ? a(x, y, w, g, from, to) : k == 1 ? b(x, y, w, g, from, to) : k == 2 ? c(x, y, w, g, from, to) : read(x, from, to); })); }
      for (Future<Double> f : fs) sink += f.get();
      if (rep >= 0) t[k][rep] = (System.nanoTime() - t0) / 1e6; }
    for (int k = 0; k < V; k++) { Arrays.sort(t[k]); System.out.printf("%s %.2f ms  ", names[k], t[k][reps / 2]); }
    System.out.println(" threads " + threads + (sink == 1 ? "!" : "")); ex.shutdown();
  }
  static double read(float[] x, int from, int to) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0;
    for (int o = from * D + PAD; o < to * D + PAD; o += 2 * L) { s0 = s0.add(FloatVector.fromArray(S, x, o)); s1 = s1.add(FloatVector.fromArray(S, x, o + L)); }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }
  static double a(float[] x, float[] y, float[] w, float[] out, int from, int to) {
    FloatVector w0 = FloatVector.fromArray(S, w, 0), w1 = FloatVector.fromArray(S, w, 8), w2 = FloatVector.fromArray(S, w, 16), w3 = FloatVector.fromArray(S, w, 24),
      w4 = FloatVector.fromArray(S, w, 32), w5 = FloatVector.fromArray(S, w, 40), w6 = FloatVector.fromArray(S, w, 48), w7 = FloatVector.fromArray(S, w, 56);
    FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0; double loss = 0;
    for (int i = from; i < to; i++) { int o = i * D + PAD;
      FloatVector x0 = FloatVector.fromArray(S, x, o), x1 = FloatVector.fromArray(S, x, o + 8), x2 = FloatVector.fromArray(S, x, o + 16), x3 = FloatVector.fromArray(S, x, o + 24),
        x4 = FloatVector.fromArray(S, x, o + 32), x5 = FloatVector.fromArray(S, x, o + 40), x6 = FloatVector.fromArray(S, x, o + 48), x7 = FloatVector.fromArray(S, x, o + 56);
      FloatVector p = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3))).add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
      double e = p.reduceLanes(VectorOperators.ADD) + 0.1 - y[i]; loss += e * e; FloatVector sc = FloatVector.broadcast(S, (float) (e * 2e-6));
      g0 = x0.fma(sc, g0); g1 = x1.fma(sc, g1); g2 = x2.fma(sc, g2); g3 = x3.fma(sc, g3); g4 = x4.fma(sc, g4); g5 = x5.fma(sc, g5); g6 = x6.fma(sc, g6); g7 = x7.fma(sc, g7); }
    g0.add(g1).add(g2).add(g3).add(g4).add(g5).add(g6).add(g7).intoArray(out, 0); return loss + out[0];
  }
  static double a2(float[] x, float[] y, float[] w, float[] out, int from, int to) {
    FloatVector w0 = FloatVector.fromArray(S, w, 0), w1 = FloatVector.fromArray(S, w, 8), w2 = FloatVector.fromArray(S, w, 16), w3 = FloatVector.fromArray(S, w, 24),
      w4 = FloatVector.fromArray(S, w, 32), w5 = FloatVector.fromArray(S, w, 40), w6 = FloatVector.fromArray(S, w, 48), w7 = FloatVector.fromArray(S, w, 56);
    double loss = 0; double[] partial = new double[D]; float[] acc = new float[D]; float[] reg = new float[D];
    for (int chunk = from; chunk < to; chunk += 128) { int end = Math.min(to, chunk + 128); java.util.Arrays.fill(acc, 0, D, 0f);
    FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0;
    for (int i = chunk; i < end; i++) { int o = i * D + PAD;
      FloatVector x0 = FloatVector.fromArray(S, x, o), x1 = FloatVector.fromArray(S, x, o + 8), x2 = FloatVector.fromArray(S, x, o + 16), x3 = FloatVector.fromArray(S, x, o + 24),
        x4 = FloatVector.fromArray(S, x, o + 32), x5 = FloatVector.fromArray(S, x, o + 40), x6 = FloatVector.fromArray(S, x, o + 48), x7 = FloatVector.fromArray(S, x, o + 56);
      FloatVector p = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3))).add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
      double e = p.reduceLanes(VectorOperators.ADD) + 0.1 - y[i]; loss += e * e; FloatVector sc = FloatVector.broadcast(S, (float) (e * 2e-6));
      g0 = x0.fma(sc, g0); g1 = x1.fma(sc, g1); g2 = x2.fma(sc, g2); g3 = x3.fma(sc, g3); g4 = x4.fma(sc, g4); g5 = x5.fma(sc, g5); g6 = x6.fma(sc, g6); g7 = x7.fma(sc, g7); }
    g0.intoArray(reg, 0); g1.intoArray(reg, 8); g2.intoArray(reg, 16); g3.intoArray(reg, 24); g4.intoArray(reg, 32); g5.intoArray(reg, 40); g6.intoArray(reg, 48); g7.intoArray(reg, 56);
    for (int j = 0; j < D; j++) partial[j] += reg[j] + acc[j]; }
    return loss + partial[0];
  }
  static double a3(float[] x, float[] y, float[] w, float[] out, int from, int to) {
    FloatVector w0 = FloatVector.fromArray(S, w, 0), w1 = FloatVector.fromArray(S, w, 8), w2 = FloatVector.fromArray(S, w, 16), w3 = FloatVector.fromArray(S, w, 24),
      w4 = FloatVector.fromArray(S, w, 32), w5 = FloatVector.fromArray(S, w, 40), w6 = FloatVector.fromArray(S, w, 48), w7 = FloatVector.fromArray(S, w, 56);
    double loss = 0; double[] partial = new double[D]; float[] acc = new float[D]; float[] reg = new float[D];
    for (int chunk = from; chunk < to; chunk += 128) { int end = Math.min(to, chunk + 128); 
    FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0;
    for (int i = chunk; i < end; i++) { int o = i * D + PAD;
      FloatVector x0 = FloatVector.fromArray(S, x, o), x1 = FloatVector.fromArray(S, x, o + 8), x2 = FloatVector.fromArray(S, x, o + 16), x3 = FloatVector.fromArray(S, x, o + 24),
        x4 = FloatVector.fromArray(S, x, o + 32), x5 = FloatVector.fromArray(S, x, o + 40), x6 = FloatVector.fromArray(S, x, o + 48), x7 = FloatVector.fromArray(S, x, o + 56);
      FloatVector p = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3))).add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
      double e = p.reduceLanes(VectorOperators.ADD) + 0.1 - y[i]; loss += e * e; FloatVector sc = FloatVector.broadcast(S, (float) (e * 2e-6));
      g0 = x0.fma(sc, g0); g1 = x1.fma(sc, g1); g2 = x2.fma(sc, g2); g3 = x3.fma(sc, g3); g4 = x4.fma(sc, g4); g5 = x5.fma(sc, g5); g6 = x6.fma(sc, g6); g7 = x7.fma(sc, g7); }
    g0.intoArray(reg, 0); g1.intoArray(reg, 8); g2.intoArray(reg, 16); g3.intoArray(reg, 24); g4.intoArray(reg, 32); g5.intoArray(reg, 40); g6.intoArray(reg, 48); g7.intoArray(reg, 56);
    for (int j = 0; j < D; j++) partial[j] += reg[j]; }
    return loss + partial[0];
  }
  static double b(float[] x, float[] y, float[] w, float[] out, int from, int to) {
    FloatVector w0 = FloatVector.fromArray(S, w, 0), w1 = FloatVector.fromArray(S, w, 8), w2 = FloatVector.fromArray(S, w, 16), w3 = FloatVector.fromArray(S, w, 24),
      w4 = FloatVector.fromArray(S, w, 32), w5 = FloatVector.fromArray(S, w, 40), w6 = FloatVector.fromArray(S, w, 48), w7 = FloatVector.fromArray(S, w, 56);
    FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0; double loss = 0;
    for (int i = from; i + 1 < to; i += 2) { int o = i * D + PAD, q = o + D;
      FloatVector p = FloatVector.fromArray(S, x, o).mul(w0).add(FloatVector.fromArray(S, x, o + 8).mul(w1)).add(FloatVector.fromArray(S, x, o + 16).mul(w2).add(FloatVector.fromArray(S, x, o + 24).mul(w3)))
        .add(FloatVector.fromArray(S, x, o + 32).mul(w4).add(FloatVector.fromArray(S, x, o + 40).mul(w5)).add(FloatVector.fromArray(S, x, o + 48).mul(w6).add(FloatVector.fromArray(S, x, o + 56).mul(w7))));
      FloatVector u = FloatVector.fromArray(S, x, q).mul(w0).add(FloatVector.fromArray(S, x, q + 8).mul(w1)).add(FloatVector.fromArray(S, x, q + 16).mul(w2).add(FloatVector.fromArray(S, x, q + 24).mul(w3)))
        .add(FloatVector.fromArray(S, x, q + 32).mul(w4).add(FloatVector.fromArray(S, x, q + 40).mul(w5)).add(FloatVector.fromArray(S, x, q + 48).mul(w6).add(FloatVector.fromArray(S, x, q + 56).mul(w7))));
      double e = p.reduceLanes(VectorOperators.ADD) + 0.1 - y[i], f = u.reduceLanes(VectorOperators.ADD) + 0.1 - y[i + 1]; loss += e * e + f * f;
      FloatVector sc = FloatVector.broadcast(S, (float) (e * 2e-6)), sd = FloatVector.broadcast(S, (float) (f * 2e-6));
      g0 = FloatVector.fromArray(S, x, o).fma(sc, g0); g1 = FloatVector.fromArray(S, x, o + 8).fma(sc, g1); g2 = FloatVector.fromArray(S, x, o + 16).fma(sc, g2); g3 = FloatVector.fromArray(S, x, o + 24).fma(sc, g3);
      g4 = FloatVector.fromArray(S, x, o + 32).fma(sc, g4); g5 = FloatVector.fromArray(S, x, o + 40).fma(sc, g5); g6 = FloatVector.fromArray(S, x, o + 48).fma(sc, g6); g7 = FloatVector.fromArray(S, x, o + 56).fma(sc, g7);
      g0 = FloatVector.fromArray(S, x, q).fma(sd, g0); g1 = FloatVector.fromArray(S, x, q + 8).fma(sd, g1); g2 = FloatVector.fromArray(S, x, q + 16).fma(sd, g2); g3 = FloatVector.fromArray(S, x, q + 24).fma(sd, g3);
      g4 = FloatVector.fromArray(S, x, q + 32).fma(sd, g4); g5 = FloatVector.fromArray(S, x, q + 40).fma(sd, g5); g6 = FloatVector.fromArray(S, x, q + 48).fma(sd, g6); g7 = FloatVector.fromArray(S, x, q + 56).fma(sd, g7); }
    g0.add(g1).add(g2).add(g3).add(g4).add(g5).add(g6).add(g7).intoArray(out, 0); return loss + out[0];
  }
  /** Four rows: each row's dot as a tree, four independent reductions, then four gradient updates from L1. */
  static double c(float[] x, float[] y, float[] w, float[] out, int from, int to) {
    FloatVector w0 = FloatVector.fromArray(S, w, 0), w1 = FloatVector.fromArray(S, w, 8), w2 = FloatVector.fromArray(S, w, 16), w3 = FloatVector.fromArray(S, w, 24),
      w4 = FloatVector.fromArray(S, w, 32), w5 = FloatVector.fromArray(S, w, 40), w6 = FloatVector.fromArray(S, w, 48), w7 = FloatVector.fromArray(S, w, 56);
    FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, g4 = g0, g5 = g0, g6 = g0, g7 = g0; double loss = 0;
    float[] sc = new float[4];
    for (int i = from; i + 3 < to; i += 4) {
      for (int k = 0; k < 4; k++) { int o = (i + k) * D + PAD;
        FloatVector p = FloatVector.fromArray(S, x, o).mul(w0).add(FloatVector.fromArray(S, x, o + 8).mul(w1)).add(FloatVector.fromArray(S, x, o + 16).mul(w2).add(FloatVector.fromArray(S, x, o + 24).mul(w3)))
          .add(FloatVector.fromArray(S, x, o + 32).mul(w4).add(FloatVector.fromArray(S, x, o + 40).mul(w5)).add(FloatVector.fromArray(S, x, o + 48).mul(w6).add(FloatVector.fromArray(S, x, o + 56).mul(w7))));
        double e = p.reduceLanes(VectorOperators.ADD) + 0.1 - y[i + k]; loss += e * e; sc[k] = (float) (e * 2e-6); }
      for (int k = 0; k < 4; k++) { int o = (i + k) * D + PAD; FloatVector s = FloatVector.broadcast(S, sc[k]);
        g0 = FloatVector.fromArray(S, x, o).fma(s, g0); g1 = FloatVector.fromArray(S, x, o + 8).fma(s, g1); g2 = FloatVector.fromArray(S, x, o + 16).fma(s, g2); g3 = FloatVector.fromArray(S, x, o + 24).fma(s, g3);
        g4 = FloatVector.fromArray(S, x, o + 32).fma(s, g4); g5 = FloatVector.fromArray(S, x, o + 40).fma(s, g5); g6 = FloatVector.fromArray(S, x, o + 48).fma(s, g6); g7 = FloatVector.fromArray(S, x, o + 56).fma(s, g7); } }
    g0.add(g1).add(g2).add(g3).add(g4).add(g5).add(g6).add(g7).intoArray(out, 0); return loss + out[0];
  }
}
