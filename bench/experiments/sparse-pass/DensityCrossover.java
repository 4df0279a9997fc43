import dev.descent.ModelKind;
import dev.descent.backend.Backend;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where a reader should hold data dense rather than sparse: the cpu backend's logistic pass on the same
 * rows held dense and as CSR, at several densities (non-zeros at random positions), alternated; medians
 * of ROUNDS passes after a warm-up long enough for the vector kernels to take over.
 *
 *   java --add-modules jdk.incubator.vector -Xmx8g -cp target/classes:/tmp/x DensityCrossover ROWS COLUMNS ROUNDS
 */
public class DensityCrossover {
    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int columns = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf("%,d rows x %,d columns, logistic, %d threads; median pass over %d rounds%n", rows, columns,
                threads, rounds);
        for (double density : new double[] {0.02, 0.05, 0.1, 0.25, 0.5}) {
            SplittableRandom random = new SplittableRandom(11);
            float[] x = new float[rows * columns];
            for (int i = 0; i < x.length; i++) {
                if (random.nextDouble() < density) {
                    x[i] = (float) random.nextGaussian();
                }
            }
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = random.nextBoolean() ? 1 : 0;
            }
            Problem problem = new Problem(ModelKind.LOGISTIC, 1, columns, true, 1e-4, 0, Optimizer.of(OptimizerKind.GD));
            double[] point = new double[problem.parameterCount()];
            for (int j = 0; j < point.length; j++) {
                point[j] = 0.01 * Math.sin(j);
            }
            Dataset dense = Dataset.rowMajor(x, rows, columns, y);
            Dataset sparse = Dataset.csr(CsrMatrix.fromDense(x, rows, columns), y);
            try (Backend a = new CpuBackend(threads); Backend b = new CpuBackend(threads)) {
                a.upload(dense, problem);
                b.upload(sparse, problem);
                a.setParameters(point);
                b.setParameters(point);
                DataTermSums sums = new DataTermSums(problem.parameterCount());
                long warm = System.nanoTime();
                while (System.nanoTime() - warm < 3e9 || !a.warmedUp()) {
                    a.dataTermSums(sums);
                    b.dataTermSums(sums);
                }
                double[] denseTimes = new double[rounds];
                double[] sparseTimes = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    a.dataTermSums(sums);
                    long t1 = System.nanoTime();
                    b.dataTermSums(sums);
                    long t2 = System.nanoTime();
                    denseTimes[r] = (t1 - t0) / 1e6;
                    sparseTimes[r] = (t2 - t1) / 1e6;
                }
                Arrays.sort(denseTimes);
                Arrays.sort(sparseTimes);
                double d = denseTimes[rounds / 2];
                double s = sparseTimes[rounds / 2];
                System.out.printf("density %.2f: dense %.2f ms (%.0f MiB), sparse %.2f ms (%.0f MiB), sparse / dense %.2f%n",
                        density, d, dense.featureBytes() / 1048576.0, s, sparse.featureBytes() / 1048576.0, s / d);
            }
        }
    }
}
