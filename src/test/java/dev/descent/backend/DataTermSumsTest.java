package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.ModelKind;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Objective;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract's data-term sums on the reference and cpu backends (the GPU backends' tests run the same cases). */
class DataTermSumsTest {
    /** Odd shapes: a tiny X, rows that end mid-chunk, the cpu's register-kernel widths and a wide row. */
    static final int[][] SHAPES = {{7, 3}, {301, 40}, {1000, 64}, {263, 130}};

    static Stream<Arguments> cases() {
        return DataTermSumsCases.cases(SHAPES);
    }

    @ParameterizedTest(name = "reference {0} variant={1} {2}x{3}")
    @MethodSource("cases")
    void referenceHalvesAddUpToTheWhole(Loss kind, int variant, int rows, int columns) {
        DataTermSumsCases.halvesAddUpToTheWhole(ReferenceBackend::new, kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "cpu {0} variant={1} {2}x{3}")
    @MethodSource("cases")
    void cpuHalvesAddUpToTheWhole(Loss kind, int variant, int rows, int columns) {
        DataTermSumsCases.halvesAddUpToTheWhole(() -> new CpuBackend(2), kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "cpu {0} variant={1} {2}x{3}")
    @MethodSource("cases")
    void cpuBatchSumsMatchTheReference(Loss kind, int variant, int rows, int columns) {
        DataTermSumsCases.batchSumsMatchTheReference(() -> new CpuBackend(2), kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "cpu softmax, {0} classes, variant={1}")
    @MethodSource("dev.descent.backend.DataTermSumsCases#manyClassCases")
    void cpuManyClassesMatchTheReference(int classes, int variant) {
        DataTermSumsCases.manyClassesMatchTheReference(() -> new CpuBackend(2), classes, variant);
    }

    /** A hand-computed case: two rows of linear least squares, so S, L and G are known exactly. */
    @Test
    void referenceSumsOfTwoRowsByHand() {
        // x = [1, 2], y = [0, 1], s = [1, 3], w = 0.5, b = 0: z = [0.5, 1], residuals z - y = [0.5, 0]
        var data = dev.descent.data.Dataset.rowMajor(new float[] {1, 2}, 2, 1, new float[] {0, 1})
                .withSampleWeights(new float[] {1, 3});
        Problem problem = new Problem(ModelKind.LINEAR, 1, 1, true, 0.5, 0, Optimizer.of(OptimizerKind.GD));
        try (Backend backend = new ReferenceBackend()) {
            backend.upload(data, problem);
            backend.setParameters(new double[] {0.5, 0});
            DataTermSums sums = new DataTermSums(2);
            backend.dataTermSums(sums);
            assertEquals(4.0, sums.weightTotal(), 0.0);
            assertEquals(1 * 0.25 + 3 * 0.0, sums.lossSum(), 0.0);
            // G_w = sum s 2 (z - y) x = 1 * 1 * 1 = 1, G_b = sum s 2 (z - y) = 1
            assertArrayEquals(new double[] {1.0, 1.0}, sums.gradient(), 0.0);
            double[] gradient = new double[2];
            // f = L / S + l2/2 w^2 = 0.0625 + 0.0625; grad = G / S + l2 w (weights only)
            assertEquals(0.125, Objective.of(problem, sums, new double[] {0.5, 0}, gradient), 1e-15);
            assertArrayEquals(new double[] {0.25 + 0.25, 0.25}, gradient, 1e-15);
            assertEquals(0.125, backend.evaluate(null), 1e-15);
        }
    }

    /** The README's "solver of one's own" example, as written there: the objective equals evaluate's. */
    @Test
    void theReadmeSolverExampleRuns() {
        int d = 5;
        var data = dev.descent.TestData.random(ModelKind.LOGISTIC, 200, d, 2, 3);
        double[] w = new double[d + 1];
        w[0] = 0.3;
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, d, true, 1e-4, 0, Optimizer.of(OptimizerKind.GD));
        try (Backend backend = Backends.open("cpu").backend()) {
            backend.upload(data, problem);
            backend.setParameters(w);
            double[] gradient = new double[problem.parameterCount()];
            DataTermSums sums = new DataTermSums(problem.parameterCount());
            backend.dataTermSums(sums);
            double f = Objective.of(problem, sums, w, gradient);
            double[] expected = new double[problem.parameterCount()];
            assertEquals(backend.evaluate(expected), f, 0.0);
            assertArrayEquals(expected, gradient, 0.0);
        }
    }

    @Test
    void sumsOfDifferentProblemsDoNotAdd() {
        assertThrows(IllegalArgumentException.class, () -> new DataTermSums(3).add(new DataTermSums(4)));
    }
}
