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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cpu backend's sparse logistic pass (dataTermSums through the public API) against the memory floor
 * of the bytes it must read (the non-zeros' values and column indices, read by a plain two-thread loop),
 * and two bare copies of its row loop: row by row (each row's scatter after its own gathers) and in tiles
 * of 64 rows (all gathers of the tile, then all scatters), on a click-log-like CSR matrix: ROWS rows,
 * FEATURES features, NNZ non-zeros a row of value 1 at columns floor(FEATURES * u^3) (power-law frequency).
 * Alternated in rounds; medians.
 *
 *   java --add-modules jdk.incubator.vector -Xmx10g -cp target/classes:/tmp/x SparsePasses ROWS FEATURES NNZ ROUNDS
 */
public class SparsePasses {
    static long[] offsets;
    static int[] columns;
    static float[] values;
    static float[] weights;
    static volatile double sink;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int features = Integer.parseInt(args[1]);
        int nnz = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int threads = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        generate(rows, features, nnz);
        CsrMatrix x = CsrMatrix.of(offsets, columns, values, features);
        float[] labels = new float[rows];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextBoolean() ? 1 : 0;
        }
        weights = new float[features];
        for (int j = 0; j < features; j++) {
            weights[j] = (float) (0.01 * Math.sin(j));
        }
        double bytes = 8.0 * x.nonZeros();
        System.out.printf("%,d rows x %,d features, %,d non-zeros (%.1f a row), %.0f MiB of values and indices, made in %.1f s, %d threads%n",
                rows, features, x.nonZeros(), (double) x.nonZeros() / rows, bytes / 1048576, (System.nanoTime() - start) / 1e9, threads);
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, features, true, 1e-6, 0, Optimizer.of(OptimizerKind.GD));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        double[][] accumulators = new double[threads][features];
        try (Backend backend = new CpuBackend(threads)) {
            backend.upload(Dataset.csr(x, labels), problem);
            double[] point = new double[problem.parameterCount()];
            for (int j = 0; j < features; j++) {
                point[j] = weights[j];
            }
            backend.setParameters(point);
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            double[][] times = new double[4][rounds];
            for (int round = 0; round < rounds; round++) {
                times[0][round] = timed(() -> sink = parallel(pool, threads, (from, to, t) -> stream(from, to)));
                times[1][round] = timed(() -> backend.dataTermSums(sums));
                times[2][round] = timed(() -> sink = parallel(pool, threads, (from, to, t) -> fused(from, to, 1, accumulators[t])));
                times[3][round] = timed(() -> sink = parallel(pool, threads, (from, to, t) -> fused(from, to, 64, accumulators[t])));
            }
            String[] names = {"read of values + indices (floor)", "descent cpu pass (dataTermSums)",
                "bare loop, row by row", "bare loop, tiles of 64 rows"};
            double floor = median(times[0]);
            for (int v = 0; v < names.length; v++) {
                double m = median(times[v]);
                System.out.printf("%-36s median %8.1f ms  (%5.1f GB/s of values + indices, floor / this %.2f)  runs %s%n",
                        names[v], m * 1e3, bytes / m / 1e9, floor / m, Arrays.toString(Arrays.stream(times[v])
                                .map(t -> Math.round(t * 1e4) / 10.0).toArray()));
            }
        }
        pool.shutdown();
    }

    interface Range {
        double run(int from, int to, int thread);
    }

    static double parallel(ExecutorService pool, int threads, Range range) throws Exception {
        int rows = offsets.length - 1;
        Future<?>[] parts = new Future<?>[threads];
        double[] out = new double[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            parts[t] = pool.submit(() -> out[thread] = range.run((int) ((long) rows * thread / threads),
                    (int) ((long) rows * (thread + 1) / threads), thread));
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            parts[t].get();
            total += out[t];
        }
        return total;
    }

    /** Reads every value and index once: what a pass must move. */
    static double stream(int from, int to) {
        double sum = 0;
        int count = 0;
        for (int p = (int) offsets[from]; p < offsets[to]; p++) {
            sum += values[p];
            count += columns[p];
        }
        return sum + count;
    }

    /** z = x . w, r = sigmoid(z) - 1/2, g += r x: rows of a tile gathered first, then scattered. */
    static double fused(int from, int to, int tile, double[] gradient) {
        double[] z = new double[tile];
        double total = 0;
        for (int start = from; start < to; start += tile) {
            int end = Math.min(to, start + tile);
            for (int i = start; i < end; i++) {
                double dot = 0;
                for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                    dot += values[p] * weights[columns[p]];
                }
                z[i - start] = 1 / (1 + Math.exp(-dot)) - 0.5;
                total += z[i - start];
            }
            for (int i = start; i < end; i++) {
                double r = z[i - start];
                for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                    gradient[columns[p]] += r * values[p];
                }
            }
        }
        return total;
    }

    interface Action {
        void run() throws Exception;
    }

    static double timed(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    static double median(double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Power-law columns, sorted and without repeats within a row, values 1. */
    static void generate(int rows, int features, int nnz) {
        offsets = new long[rows + 1];
        columns = new int[Math.multiplyExact(rows, nnz)];
        SplittableRandom random = new SplittableRandom(20261205);
        int[] row = new int[nnz];
        int p = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < nnz; k++) {
                double u = random.nextDouble();
                row[k] = Math.min(features - 1, (int) (features * u * u * u));
            }
            Arrays.sort(row);
            for (int k = 0; k < nnz; k++) {
                if (k == 0 || row[k] != row[k - 1]) {
                    columns[p++] = row[k];
                }
            }
            offsets[i + 1] = p;
        }
        columns = Arrays.copyOf(columns, p);
        values = new float[p];
        Arrays.fill(values, 1f);
    }
}
