/*
 * The cpu backend's sparse pass timed in one warm JVM: logistic data-term sums over n x d CSR rows with `per`
 * draws a row at power-law columns (column = d u^3, duplicates merged, values 1), 10 warm-up passes, then the
 * median and fastest of 15.
 *
 *   javac -cp target/classes -d /tmp/sparse-time bench/experiments/sparse-pass-time/SparsePassTime.java
 *   java -Xmx8g --add-modules jdk.incubator.vector -cp target/classes:/tmp/sparse-time:$(deps) SparsePassTime 1000000 1000000 40 2
 * (deps: `mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout`). Arguments: n, d, per, threads.
 * Found: bench/results/2026-12-06-sparse-totals/.
 */
import dev.descent.*;
import dev.descent.backend.*;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.data.*;
import dev.descent.optim.*;
import java.util.*;
public class SparsePassTime {
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]), d = Integer.parseInt(a[1]), per = Integer.parseInt(a[2]);
    SplittableRandom r = new SplittableRandom(1);
    long[] off = new long[n + 1]; int[] col = new int[n * per]; float[] val = new float[n * per]; float[] y = new float[n];
    int p = 0;
    for (int i = 0; i < n; i++) {
      int[] c = new int[per];
      for (int t = 0; t < per; t++) { double u = r.nextDouble(); c[t] = (int) (d * u * u * u); }
      Arrays.sort(c);
      int last = -1;
      for (int t = 0; t < per; t++) if (c[t] != last) { col[p] = c[t]; val[p] = 1f; p++; last = c[t]; }
      off[i + 1] = p; y[i] = r.nextInt(2);
    }
    Dataset data = Dataset.csr(CsrMatrix.of(off, Arrays.copyOf(col, p), Arrays.copyOf(val, p), d), y);
    Problem problem = new Problem(ModelKind.LOGISTIC, 1, d, true, 1e-6, 0, Optimizer.of(OptimizerKind.GD));
    double[] w = new double[d + 1]; for (int j = 0; j < d; j++) w[j] = 0.01 * r.nextGaussian();
    try (Backend b = new CpuBackend(Integer.parseInt(a[3]))) {
      b.upload(data, problem); b.setParameters(w);
      DataTermSums s = new DataTermSums(d + 1);
      for (int k = 0; k < 10; k++) b.dataTermSums(s);
      long[] t = new long[15];
      for (int k = 0; k < t.length; k++) { long t0 = System.nanoTime(); b.dataTermSums(s); t[k] = System.nanoTime() - t0; }
      Arrays.sort(t);
      System.out.printf("sparse %dx%d, %d nnz, %s threads: median %.1f ms, min %.1f ms, loss %.10g%n", n, d, p, a[3], t[t.length/2]/1e6, t[0]/1e6, s.lossSum());
    }
  }
}
