import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.*; import dev.descent.cli.BenchmarkData;
import java.util.*;
public class B2 {
  public static void main(String[] a) throws Exception {
    String shape = a[0]; ModelKind kind = ModelKind.parse(a[1]); int reps = Integer.parseInt(a[2]); int threads = Integer.parseInt(a[3]);
    Dataset data = BenchmarkData.generate(kind, shape, 2, 20261123L);
    StreamingRead read = new StreamingRead(data.features(), threads);
    Backend b = a[4].equals("x") ? new CpuBackendX(threads) : new CpuBackend(threads);
    b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
    b.setParameters(new double[data.columns() + 1]);
    double[] tr = new double[reps], ts = new double[reps], q = new double[reps]; double sink = 0;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime(); sink += read.sum(); tr[r] = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime(); b.step(0, 0, data.rows(), 1e-3); sink += b.lastObjective(); ts[r] = (System.nanoTime() - t0) / 1e6; q[r] = ts[r] / tr[r];
    }
    Arrays.sort(tr); Arrays.sort(ts); Arrays.sort(q);
    System.out.printf("%s %s %s t=%d: read %.2f step %.2f paired ratio %.3f obj %.10g%n", a[4], shape, a[1], threads, tr[reps/2], ts[reps/2], q[reps/2], b.lastObjective());
    b.close(); read.close(); if (sink == 1) System.out.println();
  }
}
