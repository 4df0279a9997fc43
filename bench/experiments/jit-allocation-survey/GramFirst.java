import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.cli.BenchmarkData;
import java.lang.management.*; import java.util.*;
public class GramFirst {
  public static void main(String[] a) throws Exception {
    ModelKind kind = ModelKind.LOGISTIC; int gram = Integer.parseInt(a[0]);
    Dataset data = BenchmarkData.generate(kind, "1000000x64", 2, 20261123L);
    Backend b = Backends.open("cpu").backend();
    b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
    b.setParameters(new double[data.columns() + 1]);
    double[] v = new double[data.columns() + 1], out = new double[data.columns() + 1]; Arrays.fill(v, 1.0);
    for (int i = 0; i < gram; i++) { b.gramTimes(v, out); double n = 0; for (double o : out) n += o * o; n = Math.sqrt(n); for (int j = 0; j < v.length; j++) v[j] = out[j] / n; }
    long end = System.nanoTime() + 6_000_000_000L; while (System.nanoTime() < end) b.step(0, 0, data.rows(), 1e-3);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = Arrays.stream(mx.getThreadAllocatedBytes(mx.getAllThreadIds())).filter(x -> x > 0).sum();
    long t0 = System.nanoTime(); for (int s = 0; s < 50; s++) b.step(0, 0, data.rows(), 1e-3);
    double ms = (System.nanoTime() - t0) / 5e7;
    long after = Arrays.stream(mx.getThreadAllocatedBytes(mx.getAllThreadIds())).filter(x -> x > 0).sum();
    System.out.printf("gram passes %d first: %.0f bytes/step, %.2f ms/step%n", gram, (after - before) / 50.0, ms);
    b.close();
  }
}
