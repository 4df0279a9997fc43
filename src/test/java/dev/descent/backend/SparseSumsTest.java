package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.TestData;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sparse (CSR) data on the backends that take it: the reference's sums over the non-zeros against its
 * own sums over the same rows made dense, then the cpu backend's sparse pass against the reference, over
 * all rows, a mini-batch, the Gram product and two halves, and bit for bit across thread counts.
 */
class SparseSumsTest {
    /**
     * Reference sparse against reference dense: both double, differing only in which zeros are added, so
     * they agree to double rounding over a few hundred terms.
     */
    static final double DOUBLE_RELATIVE = 1e-12;
    /** The cpu pass reads float32 weights; z and the sums are double, so float32 rounding of w is the error. */
    static final double RELATIVE = DataTermSumsCases.RELATIVE;
    static final double ABSOLUTE = DataTermSumsCases.ABSOLUTE;

    /**
     * {rows, columns, percent non-zero}: a tiny X, odd shapes, a wide sparse X, a dense one, and one of
     * 200,000 non-zeros, which the cpu pass cuts into several segments.
     */
    static final int[][] SHAPES = {{7, 3, 50}, {301, 40, 10}, {1000, 64, 30}, {120, 5000, 1}, {263, 130, 100},
        {4001, 100, 50}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Loss kind : Loss.values()) {
            for (int variant = 0; variant < 3; variant++) {
                for (int[] shape : SHAPES) {
                    cases.add(Arguments.of(kind, variant, shape[0], shape[1], shape[2]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "reference {0} variant={1} {2}x{3} {4}%")
    @MethodSource("cases")
    void referenceSparseSumsAreTheDenseSums(Loss kind, int variant, int rows, int columns, int percent) {
        Case c = new Case(kind, variant, rows, columns, percent);
        assertClose("sparse against dense", c.sums(ReferenceBackend::new, c.dense), c.sums(ReferenceBackend::new, c.sparse),
                0, DOUBLE_RELATIVE);
        assertClose("a batch, sparse against dense", c.batchSums(ReferenceBackend::new, c.dense),
                c.batchSums(ReferenceBackend::new, c.sparse), 0, DOUBLE_RELATIVE);
    }

    @ParameterizedTest(name = "cpu {0} variant={1} {2}x{3} {4}%")
    @MethodSource("cases")
    void cpuSparseSumsMatchTheReference(Loss kind, int variant, int rows, int columns, int percent) {
        Case c = new Case(kind, variant, rows, columns, percent);
        DataTermSums expected = c.sums(ReferenceBackend::new, c.sparse);
        assertClose("all rows", expected, c.sums(() -> new CpuBackend(2), c.sparse), ABSOLUTE, RELATIVE);
        assertClose("a batch", c.batchSums(ReferenceBackend::new, c.sparse), c.batchSums(() -> new CpuBackend(2), c.sparse),
                ABSOLUTE, RELATIVE);
        int split = rows / 3;
        DataTermSums merged = c.sums(() -> new CpuBackend(2), rows(c.sparse, 0, split))
                .add(c.sums(() -> new CpuBackend(2), rows(c.sparse, split, rows)));
        assertClose("halves added", expected, merged, ABSOLUTE, RELATIVE);
    }

    @ParameterizedTest(name = "cpu {0} variant={1} {2}x{3} {4}%")
    @MethodSource("cases")
    void cpuSparseSumsRepeatBitForBitOnAnyNumberOfThreads(Loss kind, int variant, int rows, int columns, int percent) {
        Case c = new Case(kind, variant, rows, columns, percent);
        DataTermSums one = c.sums(() -> new CpuBackend(1), c.sparse);
        for (int threads : new int[] {2, 3}) {
            DataTermSums other = c.sums(() -> new CpuBackend(threads), c.sparse);
            assertArrayEquals(one.gradient(), other.gradient(), threads + " threads");
            assertEquals(one.lossSum(), other.lossSum(), 0, threads + " threads");
        }
    }

    static Stream<Arguments> gramCases() {
        return cases().filter(arguments -> arguments.get()[0] == Loss.LINEAR);
    }

    @ParameterizedTest(name = "{2}x{3} {4}%, variant={1}")
    @MethodSource("gramCases")
    void cpuSparseGramMatchesTheReference(Loss kind, int variant, int rows, int columns, int percent) {
        Case c = new Case(kind, variant, rows, columns, percent);
        double[] v = new double[columns + 1];
        SplittableRandom random = new SplittableRandom(rows + columns);
        for (int j = 0; j < v.length; j++) {
            v[j] = random.nextDouble(-1, 1);
        }
        double[] expected = gram(ReferenceBackend::new, c.dense, c.problem, v);
        assertArrayEquals(expected, gram(ReferenceBackend::new, c.sparse, c.problem, v), 1e-12 * norm(expected));
        Agreement.assertClose("cpu gram", expected, gram(() -> new CpuBackend(2), c.sparse, c.problem, v),
                ABSOLUTE * norm(expected), RELATIVE);
    }

    /** Two rows by hand: x = [[0, 2, 0], []], y = [1, 0], linear, w = [1, 1, 1], b = 0.5: z = [2.5, 0.5]. */
    @Test
    void referenceSumsOfTwoSparseRowsByHand() {
        CsrMatrix x = CsrMatrix.of(new long[] {0, 1, 1}, new int[] {1}, new float[] {2}, 3);
        Dataset data = Dataset.csr(x, new float[] {1, 0}).withSampleWeights(new float[] {1, 3});
        Problem problem = new Problem(Loss.LINEAR, 1, 3, true, 0, 0, dev.descent.optim.Optimizer.of(OptimizerKind.GD));
        try (Backend backend = new ReferenceBackend()) {
            backend.upload(data, problem);
            backend.setParameters(new double[] {1, 1, 1, 0.5});
            DataTermSums sums = new DataTermSums(4);
            backend.dataTermSums(sums);
            // loss (z - y)^2, r = 2 (z - y) = [3, 1]; L = 1 * 1.5^2 + 3 * 0.5^2; G = [0, 1 * 3 * 2, 0, 1 * 3 + 3 * 1]
            assertEquals(4, sums.weightTotal());
            assertEquals(2.25 + 0.75, sums.lossSum(), 1e-15);
            assertArrayEquals(new double[] {0, 6, 0, 6}, sums.gradient(), 1e-15);
        }
    }

    /** One case's data, dense and sparse (the same values), and its problem and point. */
    private static final class Case {
        final Dataset dense;
        final Dataset sparse;
        final Problem problem;
        final double[] point;
        final long seed;

        Case(Loss kind, int variant, int rows, int columns, int percent) {
            seed = rows * 7919L + columns * 31L + variant + percent;
            Dataset random = TestData.random(kind, rows, columns, 3, seed);
            float[] x = random.features().clone();
            SplittableRandom coin = new SplittableRandom(seed);
            for (int i = 0; i < rows; i++) {
                boolean emptyRow = i % 17 == 5;
                for (int j = 0; j < columns; j++) {
                    if (emptyRow || coin.nextInt(100) >= percent) {
                        x[i * columns + j] = 0;
                    }
                }
            }
            Dataset d = Dataset.rowMajor(x, rows, columns, random.labels());
            Dataset s = Dataset.csr(CsrMatrix.fromDense(x, rows, columns), random.labels());
            if (variant == 1) {
                d = d.withSampleWeights(TestData.weights(rows, seed));
                s = s.withSampleWeights(TestData.weights(rows, seed));
            }
            dense = d;
            sparse = s;
            problem = DeviceBackendCases.problem(kind, OptimizerKind.GD, columns, variant);
            point = DeviceBackendCases.start(problem, seed);
        }

        DataTermSums sums(Supplier<Backend> device, Dataset data) {
            return DataTermSumsCases.sums(device, data, problem, point);
        }

        DataTermSums batchSums(Supplier<Backend> device, Dataset data) {
            int size = Math.max(1, Math.min(DataTermSumsCases.BATCH, data.rows() / 2));
            return DataTermSumsCases.batchSums(device, data, problem, point, RowPermutation.epochKey(seed, 2),
                    data.rows() - size, size);
        }
    }

    /** Rows first .. end - 1 of sparse {@code data}, with their labels and weights. */
    private static Dataset rows(Dataset data, int first, int end) {
        CsrMatrix x = data.sparseFeatures();
        long[] offsets = new long[end - first + 1];
        for (int i = first; i <= end; i++) {
            offsets[i - first] = x.rowOffsets()[i] - x.rowOffsets()[first];
        }
        int from = (int) x.rowOffsets()[first];
        int to = (int) x.rowOffsets()[end];
        Dataset part = Dataset.csr(CsrMatrix.of(offsets, Arrays.copyOfRange(x.columnIndices(), from, to),
                Arrays.copyOfRange(x.values(), from, to), x.columns()), Arrays.copyOfRange(data.labels(), first, end));
        return data.sampleWeights() == null ? part
                : part.withSampleWeights(Arrays.copyOfRange(data.sampleWeights(), first, end));
    }

    private static double[] gram(Supplier<Backend> device, Dataset data, Problem problem, double[] v) {
        try (Backend backend = device.get()) {
            backend.upload(data, problem);
            double[] out = new double[v.length];
            backend.gramTimes(v, out);
            return out;
        }
    }

    private static double norm(double[] values) {
        double largest = 0;
        for (double value : values) {
            largest = Math.max(largest, Math.abs(value));
        }
        return Math.max(largest, 1e-300);
    }

    private static void assertClose(String what, DataTermSums expected, DataTermSums actual, double absolute,
                                    double relative) {
        assertEquals(expected.weightTotal(), actual.weightTotal(), Math.abs(expected.weightTotal()) * 1e-12,
                what + ": weight total");
        Agreement.assertClose(what + ": loss sum", new double[] {expected.lossSum()}, new double[] {actual.lossSum()},
                absolute * expected.weightTotal(), relative);
        Agreement.assertClose(what + ": gradient sums", expected.gradient(), actual.gradient(),
                absolute * expected.weightTotal(), relative);
    }
}
