package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.TestData;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The data-term sums of the backend contract, checked on any backend: the sums of two instances
 * holding two halves of the rows add up to the sums of one holding all rows, and both agree with the
 * reference's double-precision sums, over all rows and over a mini-batch.
 */
public final class DataTermSumsCases {
    /**
     * Float32 sums against double ones: each sum is a float32 dot product per row and float32 chunk
     * sums of at most a few hundred rows before double (cpu), or float32 block sums (GPU); relative
     * error ~1e-6 observed, so 1e-4 (the agreement tests' tolerance) leaves room. Between the halves
     * and the whole only the grouping of the float32 sums differs, so the same bound holds.
     */
    public static final double RELATIVE = DeviceBackendCases.RELATIVE;
    public static final double ABSOLUTE = DeviceBackendCases.ABSOLUTE;
    /** Rows of the mini-batch whose sums are compared. */
    static final int BATCH = 50;

    private DataTermSumsCases() {
    }

    /**
     * Every loss of the table x variant ({@link DeviceBackendCases#problem}: plain; weights, l2 and standardized
     * coordinates; l1 without an intercept) x odd shape {rows, columns}, where the first half is
     * rows / 3 rows long (an uneven split).
     */
    public static Stream<Arguments> cases(int[][] shapes) {
        List<Arguments> cases = new ArrayList<>();
        for (Loss kind : Loss.values()) {
            for (int variant = 0; variant < 3; variant++) {
                for (int[] shape : shapes) {
                    cases.add(Arguments.of(kind, variant, shape[0], shape[1]));
                }
            }
        }
        return cases.stream();
    }

    /** The halves' sums, added, against the whole's, and the whole's against the reference's. */
    public static void halvesAddUpToTheWhole(Supplier<Backend> device, Loss kind, int variant, int rows, int columns) {
        long seed = rows * 7919L + columns * 31L + variant;
        Dataset data = data(kind, variant, rows, columns, seed);
        Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.GD, columns, variant);
        double[] point = DeviceBackendCases.start(problem, seed);
        int split = rows / 3;
        DataTermSums whole = sums(device, data, problem, point);
        DataTermSums merged = sums(device, rows(data, 0, split), problem, point)
                .add(sums(device, rows(data, split, rows), problem, point));
        DataTermSums expected = sums(ReferenceBackend::new, data, problem, point);
        assertSame("halves added against the whole", whole, merged);
        assertSame("the whole against the reference", expected, whole);
    }

    /** The sums over a mini-batch of the epoch's permutation against the reference's over the same rows. */
    public static void batchSumsMatchTheReference(Supplier<Backend> device, Loss kind, int variant, int rows,
                                                  int columns) {
        long seed = rows * 131L + columns + variant;
        Dataset data = data(kind, variant, rows, columns, seed);
        Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.GD, columns, variant);
        double[] point = DeviceBackendCases.start(problem, seed);
        long key = RowPermutation.epochKey(seed, 3);
        int start = rows / 2;
        int size = Math.min(BATCH, rows - start);
        assertSame("batch of " + size, batchSums(ReferenceBackend::new, data, problem, point, key, start, size),
                batchSums(device, data, problem, point, key, start, size));
    }

    /**
     * Softmax class counts past a GPU block's 64 threads: a block's intercept sums were once added by
     * threads t < k only, so classes 64 and up kept a zero intercept gradient.
     */
    public static final int[] MANY_CLASSES = {65, 100, 1000};

    /** Each of {@link #MANY_CLASSES} x variant ({@link DeviceBackendCases#problem}). */
    public static Stream<Arguments> manyClassCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int classes : MANY_CLASSES) {
            for (int variant = 0; variant < 3; variant++) {
                cases.add(Arguments.of(classes, variant));
            }
        }
        return cases.stream();
    }

    /** Softmax with many classes: the sums over all rows and over a mini-batch against the reference's. */
    public static void manyClassesMatchTheReference(Supplier<Backend> device, int classes, int variant) {
        int rows = 300;
        int columns = 20;
        long seed = classes * 17L + variant;
        Dataset data = data(Loss.SOFTMAX, variant, rows, columns, seed, classes);
        Problem problem = DeviceBackendCases.problem(Loss.SOFTMAX, OptimizerKind.GD, columns, variant, classes);
        double[] point = DeviceBackendCases.start(problem, seed);
        assertSame(classes + " classes, all rows", sums(ReferenceBackend::new, data, problem, point),
                sums(device, data, problem, point));
        long key = RowPermutation.epochKey(seed, 1);
        assertSame(classes + " classes, a batch of " + BATCH,
                batchSums(ReferenceBackend::new, data, problem, point, key, BATCH, BATCH),
                batchSums(device, data, problem, point, key, BATCH, BATCH));
    }

    private static Dataset data(Loss kind, int variant, int rows, int columns, long seed) {
        return data(kind, variant, rows, columns, seed, 3);
    }

    private static Dataset data(Loss kind, int variant, int rows, int columns, long seed, int classes) {
        Dataset data = TestData.random(kind, rows, columns, classes, seed);
        return variant == 1 ? data.withSampleWeights(TestData.weights(rows, seed)) : data;
    }

    /** Rows first .. end - 1 of {@code data}, with their labels and weights. */
    static Dataset rows(Dataset data, int first, int end) {
        int d = data.columns();
        Dataset part = Dataset.rowMajor(Arrays.copyOfRange(data.features(), first * d, end * d), end - first, d,
                Arrays.copyOfRange(data.labels(), first, end));
        return data.sampleWeights() == null ? part : part.withSampleWeights(Arrays.copyOfRange(data.sampleWeights(), first, end));
    }

    static DataTermSums sums(Supplier<Backend> device, Dataset data, Problem problem, double[] point) {
        try (Backend backend = device.get()) {
            backend.upload(data, problem);
            backend.setParameters(point);
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            backend.dataTermSums(sums);
            return sums;
        }
    }

    static DataTermSums batchSums(Supplier<Backend> device, Dataset data, Problem problem, double[] point,
                                          long key, int start, int size) {
        try (Backend backend = device.get()) {
            backend.upload(data, problem);
            backend.setParameters(point);
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            backend.dataTermSums(key, start, size, sums);
            return sums;
        }
    }

    private static void assertSame(String what, DataTermSums expected, DataTermSums actual) {
        assertEquals(expected.weightTotal(), actual.weightTotal(), Math.abs(expected.weightTotal()) * 1e-12,
                what + ": weight total");
        Agreement.assertClose(what + ": loss sum", new double[] {expected.lossSum()}, new double[] {actual.lossSum()},
                ABSOLUTE * expected.weightTotal(), RELATIVE);
        Agreement.assertClose(what + ": gradient sums", expected.gradient(), actual.gradient(),
                ABSOLUTE * expected.weightTotal(), RELATIVE);
    }
}
