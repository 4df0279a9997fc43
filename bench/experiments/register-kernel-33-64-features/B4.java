import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.*; import dev.descent.cli.BenchmarkData;
import java.util.*;
public class B4 {
  public static void main(String[] a) throws Exception {
    String shape = a[0]; ModelKind kind = ModelKind.parse(a[1]); int reps = Integer.parseInt(a[2]); int threads = Integer.parseInt(a[3]); boolean xFirst = a[4].equals("xfirst");
    Dataset data = BenchmarkData.generate(kind, shape, 2, 20261123L);
    Backend[] bs = new Backend[2];
    for (int k = 0; k < 2; k++) { boolean makeX = (k == 0) == xFirst; bs[makeX ? 1 : 0] = makeX ? new CpuBackendX(threads) : new CpuBackend(threads); }
    for (Backend b : bs) { b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM))); b.setParameters(new double[data.columns() + 1]); }
    double[][] t = new double[2][reps]; double[] q = new double[reps]; double sink = 0;
    for (int r = -reps / 4; r < reps; r++) {
      for (int k0 = 0; k0 < 2; k0++) { int k = (r & 1) == 0 ? k0 : 1 - k0;
        long t0 = System.nanoTime(); bs[k].step(0, 0, data.rows(), 1e-3); sink += bs[k].lastObjective(); if (r >= 0) t[k][r] = (System.nanoTime() - t0) * 1.0 / data.rows(); }
      if (r >= 0) q[r] = t[1][r] / t[0][r];
    }
    Arrays.sort(t[0]); Arrays.sort(t[1]); Arrays.sort(q);
    System.out.printf("%s %s t=%d %s: base %.2f x %.2f ns/row, x/base paired median %.3f (q1 %.3f q3 %.3f) obj %.10g %.10g%n", shape, a[1], threads, a[4], t[0][reps/2], t[1][reps/2], q[reps/2], q[reps/4], q[3*reps/4], bs[0].lastObjective(), bs[1].lastObjective());
    for (Backend b : bs) b.close(); if (sink == 1) System.out.println();
  }
}
