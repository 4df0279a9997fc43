package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.TestData;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Float64 rows ({@code --precision double}) on the cpu backend against the reference backend: the sums over
 * all rows and a mini-batch, the Gram product and fused first-order steps, on every loss, the variants of
 * {@link DeviceBackendCases#problem} and odd shapes; the same bits on any number of threads.
 */
class Float64SumsTest {
    /**
     * Both backends sum in double; only the order differs (the cpu's row segments, then their sum), so the
     * sums agree to a few ulps of the terms' magnitude.
     */
    static final double RELATIVE = 1e-12;
    static final double ABSOLUTE = 1e-12;
    /** Odd shapes: one row, rows that end mid-segment, a width past a cache line. */
    static final int[][] SHAPES = {{1, 1}, {7, 3}, {301, 40}, {3000, 65}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Loss kind : Loss.values()) {
            for (int variant = 0; variant < 3; variant++) {
                for (int[] shape : SHAPES) {
                    cases.add(Arguments.of(kind, variant, shape[0], shape[1]));
                }
            }
        }
        return cases.stream();
    }

    /** TestData's rows, each value moved by up to 1e-6 of itself so that float32 cannot hold it. */
    static Dataset float64(Loss kind, int variant, int rows, int columns, long seed) {
        Dataset data = TestData.random(kind, rows, columns, 3, seed);
        SplittableRandom random = new SplittableRandom(seed + 1);
        float[] x = data.features();
        double[] wide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wide[i] = x[i] * (1 + 1e-6 * (random.nextDouble() - 0.5)) + 1e-9 * random.nextDouble();
        }
        Dataset held = Dataset.rowMajor(wide, rows, columns, data.labels());
        return variant == 1 ? held.withSampleWeights(TestData.weights(rows, seed)) : held;
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("cases")
    void cpuSumsMatchTheReferenceOnEveryThreadCount(Loss kind, int variant, int rows, int columns) {
        long seed = rows * 7919L + columns * 31L + variant;
        Dataset data = float64(kind, variant, rows, columns, seed);
        Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.GD, columns, variant);
        double[] point = DeviceBackendCases.start(problem, seed);
        DataTermSums expected = DataTermSumsCases.sums(ReferenceBackend::new, data, problem, point);
        DataTermSums two = DataTermSumsCases.sums(() -> new CpuBackend(2), data, problem, point);
        assertClose("all rows", expected, two);
        for (int threads : new int[] {1, 3}) {
            DataTermSums other = DataTermSumsCases.sums(() -> new CpuBackend(threads), data, problem, point);
            assertEquals(two.lossSum(), other.lossSum(), 0, threads + " threads: the loss sum's bits");
            assertArrayEquals(two.gradient(), other.gradient(), 0, threads + " threads: the gradient's bits");
        }
        int batch = Math.max(1, rows / 3);
        long key = RowPermutation.epochKey(seed, 1);
        assertClose("a batch of " + batch,
                DataTermSumsCases.batchSums(ReferenceBackend::new, data, problem, point, key, batch, batch % rows),
                DataTermSumsCases.batchSums(() -> new CpuBackend(2), data, problem, point, key, batch, batch % rows));
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("cases")
    void cpuGramProductAndStepsMatchTheReference(Loss kind, int variant, int rows, int columns) {
        long seed = rows * 31L + columns + variant;
        Dataset data = float64(kind, variant, rows, columns, seed);
        Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.ADAM, columns, variant);
        double[] point = DeviceBackendCases.start(problem, seed);
        double[] expected = stepsAndGram(ReferenceBackend::new, data, problem, point);
        double[] actual = stepsAndGram(() -> new CpuBackend(2), data, problem, point);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], ABSOLUTE + RELATIVE * Math.abs(expected[j]) * 100, "value " + j);
        }
    }

    /** Three fused Adam steps (a full batch, then two mini-batches), then the Gram product at the parameters reached. */
    private static double[] stepsAndGram(Supplier<Backend> device, Dataset data, Problem problem, double[] point) {
        try (Backend backend = device.get()) {
            backend.upload(data, problem);
            backend.setParameters(point);
            backend.step(0, 0, data.rows(), 1e-3);
            long key = RowPermutation.epochKey(5, 1);
            int batch = Math.max(1, data.rows() / 2);
            backend.step(key, 0, batch, 1e-3);
            backend.step(key, batch % data.rows(), Math.min(batch, data.rows() - batch % data.rows()), 1e-3);
            double[] parameters = backend.readParameters();
            int d = problem.features();
            double[] vector = java.util.Arrays.copyOf(parameters, d + 1);
            double[] gram = new double[d + 1];
            backend.gramTimes(vector, gram);
            double[] all = java.util.Arrays.copyOf(parameters, parameters.length + gram.length + 1);
            System.arraycopy(gram, 0, all, parameters.length, gram.length);
            all[all.length - 1] = backend.lastObjective();
            return all;
        }
    }

    /** Float32 values held in float64 are the same numbers: the reference's double sums give the same bits. */
    @Test
    void float32ValuesHeldInFloat64GiveTheReferencesSameBits() {
        Dataset single = TestData.random(Loss.LOGISTIC, 500, 17, 3, 11);
        float[] x = single.features();
        double[] wide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wide[i] = x[i];
        }
        Dataset twice = Dataset.rowMajor(wide, 500, 17, single.labels());
        Problem problem = DeviceBackendCases.problem(Loss.LOGISTIC, OptimizerKind.GD, 17, 0);
        double[] point = DeviceBackendCases.start(problem, 11);
        DataTermSums expected = DataTermSumsCases.sums(ReferenceBackend::new, single, problem, point);
        DataTermSums actual = DataTermSumsCases.sums(ReferenceBackend::new, twice, problem, point);
        assertEquals(expected.lossSum(), actual.lossSum(), 0);
        assertArrayEquals(expected.gradient(), actual.gradient(), 0);
    }

    private static void assertClose(String what, DataTermSums expected, DataTermSums actual) {
        assertEquals(expected.weightTotal(), actual.weightTotal(), Math.abs(expected.weightTotal()) * 1e-14,
                what + ": weight total");
        Agreement.assertClose(what + ": loss sum", new double[] {expected.lossSum()}, new double[] {actual.lossSum()},
                ABSOLUTE * expected.weightTotal(), RELATIVE);
        Agreement.assertClose(what + ": gradient sums", expected.gradient(), actual.gradient(),
                ABSOLUTE * expected.weightTotal(), RELATIVE);
    }
}
