/*
 * The float64 pass (--precision double) against the float32 cpu pass and the reference backend, in one JVM:
 * the data-term sums of a logistic model over n x d Gaussian rows, 30 warm-up passes, then two rounds of 20
 * timed passes per backend (median and fastest of the last round printed).
 *
 * Build and run from the repository root after `mvn package -DskipTests`:
 *   javac -cp target/classes -d /tmp/pass64 bench/experiments/float64-pass/Pass64.java
 *   java --add-modules jdk.incubator.vector -cp target/classes:/tmp/pass64:$(deps) Pass64 200000 64 2
 * (deps: `mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout`). Arguments: rows, features, cpu threads.
 * Found: bench/results/2026-12-06-float64-pass/.
 */
import dev.descent.*;
import dev.descent.backend.*;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.*;
import java.util.*;
public class Pass64 {
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]), d = Integer.parseInt(a[1]);
    SplittableRandom r = new SplittableRandom(1);
    double[] x = new double[n * d]; float[] xf = new float[n * d]; float[] y = new float[n];
    for (int i = 0; i < x.length; i++) { x[i] = r.nextGaussian(); xf[i] = (float) x[i]; }
    for (int i = 0; i < n; i++) y[i] = r.nextInt(2);
    Problem p = new Problem(ModelKind.LOGISTIC, 1, d, true, 0, 0, Optimizer.of(OptimizerKind.GD));
    double[] w = new double[d + 1]; for (int j = 0; j < d; j++) w[j] = 0.01 * r.nextGaussian();
    Object[][] cases = {{"cpu float32", new CpuBackend(2), Dataset.rowMajor(xf, n, d, y)}, {"cpu float64", new CpuBackend(Integer.parseInt(a[2])), Dataset.rowMajor(x, n, d, y)},
                        {"reference float64", new ReferenceBackend(), Dataset.rowMajor(x, n, d, y)}};
    for (int round = 0; round < 3; round++)
    for (Object[] c : cases) {
      Backend b = (Backend) c[1]; if (round == 0) { b.upload((Dataset) c[2], p); }
      b.setParameters(w);
      DataTermSums s = new DataTermSums(d + 1);
      int reps = round == 0 ? 30 : 20; long[] t = new long[reps];
      for (int k = 0; k < reps; k++) { long t0 = System.nanoTime(); b.dataTermSums(s); t[k] = System.nanoTime() - t0; }
      Arrays.sort(t);
      if (round > 0) System.out.printf("%s %dx%d: median %.2f ms, min %.2f ms%n", c[0], n, d, t[reps/2]/1e6, t[0]/1e6);
    }
  }
}
