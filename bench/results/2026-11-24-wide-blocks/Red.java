// Times CpuBackend.reducePartials right after a full-batch step, for CpuBackend (the working
// tree) and CpuBackendX (a copy of an older commit's, made as this folder's README shows), 200 times
// each. Compile beside B4: javac --release 17 --add-modules jdk.incubator.vector -cp target/classes:/tmp/ab/cls Red.java
// Run: java --add-modules jdk.incubator.vector -cp target/classes:/tmp/ab/cls:. Red 50000x1024 linear
import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.*; import dev.descent.cli.BenchmarkData;
import java.lang.reflect.*; import java.util.*;
public class Red {
  public static void main(String[] a) throws Exception {
    ModelKind kind = ModelKind.parse(a[1]);
    Dataset data = BenchmarkData.generate(kind, a[0], 2, 20261123L);
    for (String cls : new String[]{"dev.descent.backend.cpu.CpuBackend", "dev.descent.backend.cpu.CpuBackendX"}) {
      Backend b = (Backend) Class.forName(cls).getConstructor(int.class).newInstance(2);
      b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM)));
      b.setParameters(new double[data.columns() + 1]);
      Method m = b.getClass().getDeclaredMethod("reducePartials", int.class, double[].class); m.setAccessible(true);
      double[] sums = new double[data.columns() + 1];
      for (int r = 0; r < 50; r++) b.step(0, 0, data.rows(), 1e-3);
      double[] t = new double[200];
      for (int r = 0; r < 200; r++) { b.step(0, 0, data.rows(), 1e-3); long t0 = System.nanoTime(); m.invoke(b, data.columns() + 1, sums); t[r] = (System.nanoTime() - t0) / 1e3; }
      Arrays.sort(t); System.out.printf("%s reduce after a step: median %.1f us (q1 %.1f q3 %.1f)%n", cls, t[100], t[50], t[150]);
      b.close();
    }
  }
}
