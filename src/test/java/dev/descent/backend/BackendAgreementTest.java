package dev.descent.backend;

import dev.descent.TestData;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cpu backend (float32 data and dot products) against the reference (double) on random data:
 * every loss, with and without sample weights and regularization, on shapes that include n = 1,
 * d = 1 and d that is not a multiple of any vector width. An element passes within
 * {@code absolute + relative * |reference|}.
 */
class BackendAgreementTest {
    /**
     * float32 features enter both backends exactly; the cpu backend rounds each dot product and each
     * 128-row gradient chunk to float32 (relative 2^-24 per operation, growing with the number of
     * terms, a few hundred here), so 1e-5 relative leaves a margin of ~10x over what is observed.
     */
    static final double RELATIVE = 1e-5;
    /** Gradient entries that cancel to near zero carry the rounding of the terms, not of the sum. */
    static final double ABSOLUTE = 1e-5;
    /**
     * Parameters after the three Adam steps of an epoch. Adam divides each step by the gradient's
     * own scale, so a gradient entry that float32 rounding knows only to 1e-3 relative (a sum that
     * cancels, as some do at 400 x 301) moves its parameter by up to 1e-3 * lr = 1e-5 a step.
     */
    static final double PARAMETERS_ABSOLUTE = 3 * ABSOLUTE;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // 127, 128 and 301 columns straddle the cpu backend's switch from four rows to one row at a time;
        // 33, 40, 57 and 64 take its narrow kernel (40: the last row, whose eight vectors would run
        // past the end of X, takes the array path in the same block; 1 x 50: X shorter than eight
        // vectors, which the narrow kernels leave to the others). 8,200 x 260: a full batch in long
        // blocks (CpuBackend.LONG_BLOCK_BYTES; here 512 rows), the last one short.
        int[][] shapes = {{1, 1}, {1, 7}, {2, 1}, {37, 3}, {300, 17}, {1000, 64}, {257, 100}, {3001, 33},
            {130, 127}, {67, 128}, {400, 301}, {3, 40}, {129, 57}, {1, 50}, {8200, 260}};
        long seed = 1;
        for (Loss kind : Loss.values()) {
            for (int[] shape : shapes) {
                for (int variant = 0; variant < 3; variant++) {
                    cases.add(Arguments.of(kind, shape[0], shape[1], variant, seed++));
                }
            }
        }
        return cases.stream();
    }

    /** variant 0: plain; 1: sample weights and l2; 2: l1, l2 and no intercept. */
    private static Problem problem(Loss kind, int columns, int variant) {
        int outputs = kind.pointwise() ? 1 : 3;
        return new Problem(kind, outputs, columns, variant != 2, variant == 0 ? 0 : 0.05, variant == 2 ? 0.01 : 0,
                Optimizer.of(OptimizerKind.ADAM), null, null, DeviceBackendCases.lossParameter(kind));
    }

    private static Dataset data(Loss kind, int rows, int columns, int variant, long seed) {
        Dataset data = TestData.random(kind, rows, columns, 3, seed);
        return variant == 1 ? data.withSampleWeights(TestData.weights(rows, seed + 1000)) : data;
    }

    private static double[] randomParameters(Problem problem, long seed) {
        return DeviceBackendCases.start(problem, seed);
    }

    /** The reference and the cpu backend, each with the same case's data and problem uploaded. */
    private record Uploaded(Problem problem, Backend reference, Backend cpu) implements AutoCloseable {
        static Uploaded of(Loss kind, int rows, int columns, int variant, long seed) {
            Problem problem = BackendAgreementTest.problem(kind, columns, variant);
            Dataset data = BackendAgreementTest.data(kind, rows, columns, variant, seed);
            Backend reference = new ReferenceBackend();
            Backend cpu = new CpuBackend(2);
            reference.upload(data, problem);
            cpu.upload(data, problem);
            return new Uploaded(problem, reference, cpu);
        }

        @Override
        public void close() {
            try {
                cpu.close();
            } finally {
                reference.close();
            }
        }
    }

    @ParameterizedTest(name = "{0} n={1} d={2} variant={3}")
    @MethodSource("cases")
    void objectiveAndGradientMatchReference(Loss kind, int rows, int columns, int variant, long seed) {
        try (Uploaded both = Uploaded.of(kind, rows, columns, variant, seed)) {
            Problem problem = both.problem();
            Backend reference = both.reference();
            Backend cpu = both.cpu();
            double[] start = randomParameters(problem, seed);
            reference.setParameters(start);
            cpu.setParameters(start);
            double[] expectedGradient = new double[problem.parameterCount()];
            double[] actualGradient = new double[problem.parameterCount()];
            double expected = reference.evaluate(expectedGradient);
            double actual = cpu.evaluate(actualGradient);
            assertClose("objective", new double[] {expected}, new double[] {actual});
            assertClose("gradient", expectedGradient, actualGradient);
        }
    }

    @ParameterizedTest(name = "{0} n={1} d={2} variant={3}")
    @MethodSource("cases")
    void miniBatchStepsMatchReference(Loss kind, int rows, int columns, int variant, long seed) {
        int batch = Math.max(1, rows / 3);
        try (Uploaded both = Uploaded.of(kind, rows, columns, variant, seed)) {
            Problem problem = both.problem();
            Backend reference = both.reference();
            Backend cpu = both.cpu();
            double[] start = randomParameters(problem, seed);
            reference.setParameters(start);
            cpu.setParameters(start);
            long key = RowPermutation.epochKey(seed, 0);
            for (int first = 0; first < rows; first += batch) {
                int size = Math.min(batch, rows - first);
                reference.step(key, first, size, 0.01);
                cpu.step(key, first, size, 0.01);
                assertClose("batch objective", new double[] {reference.lastObjective()}, new double[] {cpu.lastObjective()});
            }
            Agreement.assertClose("parameters after an epoch", reference.readParameters(), cpu.readParameters(),
                    PARAMETERS_ABSOLUTE, RELATIVE);
        }
    }

    /**
     * X^T S X v / S (with the intercept column when there is one), which the auto learning rate's
     * power iteration takes from the backend, at a random v: the gram pass has its own branch in
     * each of the cpu kernels, and sample weights enter it as they enter the gradient.
     */
    @ParameterizedTest(name = "{0} n={1} d={2} variant={3}")
    @MethodSource("cases")
    void gramTimesMatchesReference(Loss kind, int rows, int columns, int variant, long seed) {
        try (Uploaded both = Uploaded.of(kind, rows, columns, variant, seed)) {
            int size = columns + (both.problem().intercept() ? 1 : 0);
            double[] v = new double[size];
            SplittableRandom random = new SplittableRandom(seed);
            for (int j = 0; j < size; j++) {
                v[j] = random.nextDouble(-1, 1);
            }
            double[] expected = new double[size];
            double[] actual = new double[size];
            both.reference().gramTimes(v, expected);
            both.cpu().gramTimes(v, actual);
            assertClose("X^T X v", expected, actual);
        }
    }

    static void assertClose(String what, double[] expected, double[] actual) {
        Agreement.assertClose(what, expected, actual, ABSOLUTE, RELATIVE);
    }
}
