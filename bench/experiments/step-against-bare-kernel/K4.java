import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.StreamingRead; import dev.descent.cli.BenchmarkData;
import java.util.*; import java.util.concurrent.*;
/** In one process, alternated: StreamingRead, the cpu backend's step, and K2's bare kernel A (halves on an executor), same X. */
public class K4 { static final int BURST = Integer.getInteger("burst", 1) + 1;
  public static void main(String[] a) throws Exception {
    int reps = Integer.parseInt(a[1]); ModelKind kind = ModelKind.parse(a[2]);
    Dataset data = BenchmarkData.generate(kind, a[0], 2, 20261123L); float[] x = data.features(); int n = data.rows(); int d = data.columns();
    Backend b = Backends.open("cpu").backend();
    b.upload(data, new Problem(kind, 1, d, true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM))); b.setParameters(new double[d + 1]);
    StreamingRead read = new StreamingRead(x, 2); ExecutorService ex = Executors.newFixedThreadPool(2);
    float[] y = new float[n]; float[] w = new float[d]; for (int j = 0; j < d; j++) w[j] = 0.01f * j;
    String[] names = {"read", "step", "kernelA", "kernelA2", "kernelA3"}; double[][] t = new double[5][reps * (BURST - 1)]; double sink = 0;
    long warm = System.nanoTime() + 5_000_000_000L;
    for (int rep = -1; rep < reps; rep++) { if (rep == -1 && System.nanoTime() < warm) rep = -2;
      for (int k0 = 0; k0 < 5 * BURST; k0++) { int k = (k0 / BURST + Math.max(rep, 0)) % 5; boolean first = k0 % BURST == 0; long t0 = System.nanoTime();
        if (k == 0) sink += read.sum(); else if (k == 1) { b.step(0, 0, n, 1e-3); sink += b.lastObjective(); }
        else if (k == 4) { Future<Double> f0 = ex.submit(() -> K2.a3(x, y, w, new float[80], 0, n / 2)), f1 = ex.submit(() -> K2.a3(x, y, w, new float[80], n / 2, n)); sink += f0.get() + f1.get(); }
        else if (k == 3) { Future<Double> f0 = ex.submit(() -> K2.a2(x, y, w, new float[80], 0, n / 2)), f1 = ex.submit(() -> K2.a2(x, y, w, new float[80], n / 2, n)); sink += f0.get() + f1.get(); }
        else { Future<Double> f0 = ex.submit(() -> K2.a(x, y, w, new float[80], 0, n / 2)), f1 = ex.submit(() -> K2.a(x, y, w, new float[80], n / 2, n)); sink += f0.get() + f1.get(); }
        if (rep >= 0 && !first) t[k][rep * (BURST - 1) + k0 % BURST - 1] = (System.nanoTime() - t0) / 1e6; } }
    for (int k = 0; k < 5; k++) { Arrays.sort(t[k]); System.out.printf("%s %.2f  ", names[k], t[k][t[k].length / 2]); }
    System.out.println(a[0] + " " + a[2] + (sink == 1 ? "!" : "")); ex.shutdown(); read.close(); b.close();
  }
}
