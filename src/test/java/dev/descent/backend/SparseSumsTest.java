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
 * all rows, a mini-batch, the Gram product and two halves, and bit for bit across thread counts; then the
 * GPU backends' sparse kernels (kernels/sparse_step.h: OpenCL on PoCL, CUDA under the stand-in driver in CI)
 * the same way, and their fused steps.
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

    /**
     * The GPU backends that take sparse rows and that this run covers ({@link TestBackends}): OpenCL in the main
     * run (PoCL in CI), CUDA in cuda-on-the-host (the stand-in driver), each with every case.
     */
    static Stream<Arguments> deviceCases() {
        return TestBackends.selected().stream().filter(p -> DEVICES.contains(p.name()))
                .flatMap(p -> cases().map(a -> Arguments.of(p.name(), a.get()[0], a.get()[1], a.get()[2], a.get()[3], a.get()[4])));
    }

    static final List<String> DEVICES = List.of("opencl", "cuda");

    @ParameterizedTest(name = "{0} {1} variant={2} {3}x{4} {5}%")
    @MethodSource("deviceCases")
    void deviceSparseSumsMatchTheReference(String backend, Loss kind, int variant, int rows, int columns, int percent) {
        Supplier<Backend> device = device(backend);
        Case c = new Case(kind, variant, rows, columns, percent);
        DataTermSums expected = c.sums(ReferenceBackend::new, c.sparse);
        DataTermSums first = c.sums(device, c.sparse);
        assertClose("all rows", expected, first, ABSOLUTE, RELATIVE);
        assertClose("a batch", c.batchSums(ReferenceBackend::new, c.sparse), c.batchSums(device, c.sparse), ABSOLUTE,
                RELATIVE);
        int split = rows / 3;
        DataTermSums merged = c.sums(device, rows(c.sparse, 0, split)).add(c.sums(device, rows(c.sparse, split, rows)));
        assertClose("halves added", expected, merged, ABSOLUTE, RELATIVE);
        assertArrayEquals(first.gradient(), c.sums(device, c.sparse).gradient(), "the same bits on repeat");
    }

    /** Three fused Adam steps (all rows, then two mini-batches) against the reference's on the same rows. */
    @ParameterizedTest(name = "{0} steps {1} variant={2} {3}x{4} {5}%")
    @MethodSource("deviceCases")
    void deviceSparseStepsMatchTheReference(String backend, Loss kind, int variant, int rows, int columns, int percent) {
        Supplier<Backend> device = device(backend);
        Case c = new Case(kind, variant, rows, columns, percent);
        Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.ADAM, columns, variant);
        double[] expected = steps(ReferenceBackend::new, c.sparse, problem, c.point);
        double[] actual = steps(device, c.sparse, problem, c.point);
        Agreement.assertClose("parameters after three steps", expected, actual, ABSOLUTE * norm(expected), RELATIVE * 10);
    }

    private static double[] steps(Supplier<Backend> device, Dataset data, Problem problem, double[] point) {
        try (Backend backend = device.get()) {
            backend.upload(data, problem);
            backend.setParameters(point);
            backend.step(0, 0, data.rows(), 1e-2);
            int batch = Math.max(1, data.rows() / 2);
            long key = RowPermutation.epochKey(3, 1);
            backend.step(key, 0, batch, 1e-2);
            backend.step(key, data.rows() - batch, batch, 1e-2);
            return backend.readParameters();
        }
    }

    /** A GPU backend by name, or the test skipped with the reason where it is unavailable (an error where CI requires it). */
    private static Supplier<Backend> device(String name) {
        BackendProvider provider = TestBackends.provider(name);
        Availability availability = provider.availability();
        String required = name.equals("opencl") ? "DESCENT_REQUIRE_OPENCL" : "DESCENT_REQUIRE_CUDA_EMULATION";
        if (System.getenv(required) != null && !availability.available()) {
            throw new AssertionError(required + " is set (as in CI) but " + name + " is unavailable: " + availability.reason());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(availability.available(), () -> name + " unavailable: "
                + availability.reason());
        return provider::create;
    }

    static Stream<Arguments> gramCases() {
        return cases().filter(arguments -> arguments.get()[0] == Loss.LINEAR);
    }

    @ParameterizedTest(name = "{2}x{3} {4}%, variant={1}")
    @MethodSource("gramCases")
    void cpuSparseGramMatchesTheReference(Loss kind, int variant, int rows, int columns, int percent) {
        Case c = new Case(kind, variant, rows, columns, percent);
        double[] v = gramVector(rows, columns);
        double[] expected = gram(ReferenceBackend::new, c.dense, c.problem, v);
        assertArrayEquals(expected, gram(ReferenceBackend::new, c.sparse, c.problem, v), 1e-12 * norm(expected));
        Agreement.assertClose("cpu gram", expected, gram(() -> new CpuBackend(2), c.sparse, c.problem, v),
                ABSOLUTE * norm(expected), RELATIVE);
    }

    static Stream<Arguments> deviceGramCases() {
        return deviceCases().filter(arguments -> arguments.get()[1] == Loss.LINEAR);
    }

    @ParameterizedTest(name = "{0} {3}x{4} {5}%, variant={2}")
    @MethodSource("deviceGramCases")
    void deviceSparseGramMatchesTheReference(String backend, Loss kind, int variant, int rows, int columns, int percent) {
        Supplier<Backend> device = device(backend);
        Case c = new Case(kind, variant, rows, columns, percent);
        double[] v = gramVector(rows, columns);
        double[] expected = gram(ReferenceBackend::new, c.sparse, c.problem, v);
        Agreement.assertClose(backend + " gram", expected, gram(device, c.sparse, c.problem, v), ABSOLUTE * norm(expected),
                RELATIVE);
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

    /** The Gram product's vector of a case: d + 1 values in [-1, 1). */
    private static double[] gramVector(int rows, int columns) {
        double[] v = new double[columns + 1];
        SplittableRandom random = new SplittableRandom(rows + columns);
        for (int j = 0; j < v.length; j++) {
            v[j] = random.nextDouble(-1, 1);
        }
        return v;
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
