/**
 * One pass of K logistic models over n x 64 random rows on the cpu backend (ModelSetSums) against one model's
 * pass, steady state, in GFLOP/s of the 4 n d K flops a model-set pass must do (Z = X W^T and G = R^T X).
 * Usage: java -cp target/classes:... PassTime.java K ROWS
 */
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.*;
import dev.descent.ModelKind;
public class PassTime {
    public static void main(String[] a) {
        int K = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]), d = 64;
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[] x = new float[n * d]; for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        float[] y = new float[n]; for (int i = 0; i < n; i++) y[i] = r.nextInt(2);
        Dataset data = Dataset.rowMajor(x, n, d, y);
        Problem p = new Problem(ModelKind.LOGISTIC, 1, d, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.upload(data, p);
            double[][] w = new double[K][d + 1]; boolean[] act = new boolean[K]; java.util.Arrays.fill(act, true);
            DataTermSums[] out = new DataTermSums[K]; for (int m = 0; m < K; m++) out[m] = new DataTermSums(d + 1);
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                int it = 20;
                for (int i = 0; i < it; i++) cpu.modelSetSums(dev.descent.backend.ModelSetSums.ModelSet.ALL_ROWS, w, act, out);
                double ms = (System.nanoTime() - t0) / 1e6 / it;
                long t1 = System.nanoTime();
                DataTermSums one = new DataTermSums(d + 1);
                cpu.setParameters(new double[d + 1]);
                for (int i = 0; i < it; i++) cpu.dataTermSums(one);
                double single = (System.nanoTime() - t1) / 1e6 / it;
                System.out.printf(java.util.Locale.ROOT, "K=%d model-set pass %.2f ms (%.1f GFLOP/s), single pass %.2f ms%n", K, ms, 4.0 * n * d * K / ms / 1e6, single);
            }
        }
    }
}
