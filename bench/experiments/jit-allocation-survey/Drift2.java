import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.StreamingRead; import dev.descent.cli.BenchmarkData;
import java.util.*;
public class Drift2 {
  public static void main(String[] a) throws Exception {
    ModelKind kind = ModelKind.parse(a[1]); int total = Integer.parseInt(a[2]); int mode = Integer.parseInt(a[3]);
    Dataset data = BenchmarkData.generate(kind, a[0], 2, 20261123L);
    StreamingRead read = mode > 0 ? new StreamingRead(data.features(), Integer.parseInt(a[4])) : null;
    Backend b = Backends.open("cpu").backend();
    b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
    b.setParameters(new double[data.columns() + 1]);
    double[] t = new double[total]; double sink = 0;
    for (int s = 0; s < total; s++) {
      if (mode == 2) sink += read.sum();
      long t0 = System.nanoTime(); b.step(0, 0, data.rows(), 1e-3); t[s] = (System.nanoTime() - t0) / 1e6;
    }
    double[] c = Arrays.copyOfRange(t, total / 2, total); Arrays.sort(c);
    System.out.printf("mode %d: median of last half %.2f ms (q1 %.2f q3 %.2f)%n", mode, c[c.length / 2], c[c.length / 4], c[3 * c.length / 4]);
    b.close(); if (read != null) read.close(); if (sink == 1) System.out.println();
  }
}
