import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.cli.BenchmarkData;
import java.lang.management.*; import java.util.*;
public class AllocSurvey {
  public static void main(String[] a) throws Exception {
    ModelKind kind = ModelKind.parse(a[1]); int classes = a.length > 3 ? Integer.parseInt(a[3]) : 2;
    Dataset data = BenchmarkData.generate(kind, a[0], classes, 20261123L);
    Backend b = Backends.open("cpu").backend();
    int outputs = kind == ModelKind.SOFTMAX ? classes : 1;
    b.upload(data, new Problem(kind, outputs, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
    b.setParameters(new double[outputs * (data.columns() + 1)]);
    long warm = System.nanoTime() + (long) (Double.parseDouble(a[2]) * 1e9);
    while (System.nanoTime() < warm) b.step(0, 0, data.rows(), 1e-3);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = a.length > 4 ? new long[] {Thread.currentThread().getId()} : mx.getAllThreadIds();
    long before = Arrays.stream(mx.getThreadAllocatedBytes(ids)).filter(x -> x > 0).sum();
    int steps = Integer.getInteger("steps", 50); long t0 = System.nanoTime();
    for (int s = 0; s < steps; s++) b.step(0, 0, data.rows(), 1e-3);
    double ms = (System.nanoTime() - t0) / 1e6 / steps;
    long after = Arrays.stream(mx.getThreadAllocatedBytes(ids)).filter(x -> x > 0).sum();
    System.out.printf("%s %s: %.0f bytes allocated per step, %.2f ms per step%n", a[0], a[1], (after - before) / (double) steps, ms);
    b.close();
  }
}
