import dev.descent.data.*; import dev.descent.optim.*; import dev.descent.*; import dev.descent.backend.*; import dev.descent.backend.cpu.StreamingRead; import dev.descent.cli.BenchmarkData;
import java.util.*;
/** One process, several fresh datasets of one shape in turn: is the step's ratio to the read a property of the process (JIT) or of the arrays (addresses)? */
public class K6 {
  public static void main(String[] a) throws Exception {
    ModelKind kind = ModelKind.parse(a[1]); int sets = Integer.parseInt(a[2]); int pairs = 40;
    List<Object> keep = new ArrayList<>();
    for (int set = 0; set < sets; set++) {
      Dataset data = BenchmarkData.generate(kind, a[0], 2, 20261123L + set);
      Backend b = Backends.open("cpu").backend();
      b.upload(data, new Problem(kind, 1, data.columns(), true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM))); b.setParameters(new double[data.columns() + 1]);
      StreamingRead read = new StreamingRead(data.features(), 2);
      double[] r = new double[pairs], st = new double[pairs], rd = new double[pairs]; double sink = 0;
      long warm = System.nanoTime() + (set == 0 ? 5_000_000_000L : 1_000_000_000L);
      while (System.nanoTime() < warm) { sink += read.sum(); b.step(0, 0, data.rows(), 1e-3); }
      double[] st2 = new double[pairs];
      for (int p = 0; p < pairs; p++) { long t0 = System.nanoTime(); sink += read.sum(); long t1 = System.nanoTime(); b.step(0, 0, data.rows(), 1e-3); sink += b.lastObjective(); long t2 = System.nanoTime();
        b.step(0, 0, data.rows(), 1e-3); sink += b.lastObjective(); long t3 = System.nanoTime();
        rd[p] = (t1 - t0) / 1e6; st[p] = (t2 - t1) / 1e6; st2[p] = (t3 - t2) / 1e6; r[p] = st[p] / rd[p]; }
      Arrays.sort(st2); System.out.printf("  step right after a step: %.2f  ", st2[pairs / 2]);
      Arrays.sort(r); Arrays.sort(st); Arrays.sort(rd);
      System.out.printf("set %d: read %.2f step %.2f ratio %.3f  x@%s%n", set, rd[pairs/2], st[pairs/2], r[pairs/2], Integer.toHexString(System.identityHashCode(data.features())));
      read.close(); b.close(); keep.add(data); if (sink == 1) System.out.println();
      if (keep.size() > 1) keep.remove(0);
    }
  }
}
