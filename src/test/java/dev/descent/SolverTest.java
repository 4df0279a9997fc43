package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.Dataset;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Solver;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quasi-Newton solvers (L-BFGS, OWL-QN) through Fitter against optima known independently: the
 * least-squares solution, Newton's solution for L2 logistic regression, a lasso in closed form.
 * {@link #cases} runs them on the reference and cpu backends; the GPU backends' tests call them too.
 */
public class SolverTest {
    /**
     * Float32 data terms (cpu, GPU) know the optimum to about 1e-6 relative; the reference's double
     * sums to near rounding. Both pass within the first-order tests' bar, 1e-4 (FitterTest).
     */
    static final double RELATIVE = FitterTest.LEAST_SQUARES_RELATIVE;
    /** Passes L-BFGS may take on the small softmax case (it takes 30-45; the first-order fit 90 to thousands). */
    static final int QUASI_NEWTON_PASSES = 100;
    /** A lasso coordinate's value at the optimum, in float32 data. */
    static final double LASSO_ABSOLUTE = 1e-5;

    static Stream<String> backends() {
        return Stream.of("reference", "cpu");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lbfgsReachesLeastSquares(String backend) {
        leastSquaresCase(backend);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lbfgsMatchesNewtonsSolutionForL2Logistic(String backend) {
        newtonCase(backend);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void owlqnGivesTheLassoSolutionWithExactZeros(String backend) {
        lassoCase(backend);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lbfgsOnSoftmaxWithWeightsReachesAtLeastTheLongFirstOrderOptimum(String backend) {
        softmaxCase(backend);
    }

    /** Least squares in closed form (FitterTest.leastSquares, Gaussian elimination in double). */
    public static void leastSquaresCase(String backend) {
        for (long seed = 1; seed <= 3; seed++) {
            Dataset data = TestData.random(ModelKind.LINEAR, 400, 8, 0, seed);
            FitResult result = Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).backend(backend).fit(data);
            assertEquals(FitStatus.CONVERGED, result.status(), result.reason());
            double error = FitterTest.relativeError(FitterTest.leastSquares(data), FitterTest.flat(result));
            assertTrue(error < RELATIVE, backend + " seed " + seed + ": relative error " + error + ", " + result.progress());
        }
    }

    /** L2 logistic against Newton's method in double on the same objective. */
    public static void newtonCase(String backend) {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 1000, 4, 0, 8);
        double l2 = 0.01;
        FitResult result = Fitter.of(ModelKind.LOGISTIC).l2(l2).solver(Solver.LBFGS).backend(backend).fit(data);
        assertEquals(FitStatus.CONVERGED, result.status(), result.reason());
        double error = FitterTest.relativeError(FitterTest.newtonLogistic(data, l2), FitterTest.flat(result));
        assertTrue(error < RELATIVE, backend + ": relative error " + error + ", " + result.progress());
    }

    /**
     * A lasso in closed form (the Hadamard design of FitterTest's l1 test: orthogonal columns, so the
     * optimum is the soft threshold of X^T y / n at l1 / 2), with exact zeros where it has them.
     */
    public static void lassoCase(String backend) {
        float[] x = {1, 1, 1, -1, 1, -1, 1, -1, -1, -1, -1, 1};
        float[] y = {0.6f, -0.4f, 1.4f, -1.6f};
        Dataset data = Dataset.rowMajor(x, 4, 3, y);
        double l1 = 0.4;
        FitResult result = Fitter.of(ModelKind.LINEAR).l1(l1).solver(Solver.OWLQN).backend(backend).fit(data);
        double[] w = result.model().weights()[0];
        for (int j = 0; j < 3; j++) {
            double b = 0;
            for (int i = 0; i < 4; i++) {
                b += x[i * 3 + j] * y[i] / 4.0;
            }
            double optimum = ParameterUpdate.softThreshold(b, l1 / 2);
            if (optimum == 0) {
                assertEquals(0.0, w[j], 0.0, backend + ": weight " + j + " must be exactly zero");
            } else {
                assertEquals(optimum, w[j], LASSO_ABSOLUTE, backend + ": weight " + j);
            }
        }
        assertTrue(Arrays.stream(w).filter(v -> v == 0).count() >= 1, "the design has a zero");
    }

    /** Softmax, 4 classes, sample weights and l2: L-BFGS ends at or below a long first-order fit's objective. */
    public static void softmaxCase(String backend) {
        Dataset data = TestData.random(ModelKind.SOFTMAX, 600, 6, 4, 5).withSampleWeights(TestData.weights(600, 6));
        Fitter fitter = Fitter.of(ModelKind.SOFTMAX).l2(1e-3).backend(backend);
        FitResult lbfgs = fitter.solver(Solver.LBFGS).fit(data);
        FitResult firstOrder = fitter.solver(Solver.FIRST_ORDER).maxEpochs(20_000).tolerance(1e-12).gradientTolerance(1e-9)
                .fit(data);
        assertEquals(FitStatus.CONVERGED, lbfgs.status(), lbfgs.reason());
        assertTrue(lbfgs.objective() <= firstOrder.objective() * (1 + 1e-6), backend + ": lbfgs " + lbfgs.objective()
                + " against first-order " + firstOrder.objective() + " (" + firstOrder.status() + ")");
        assertTrue(lbfgs.epochs() <= QUASI_NEWTON_PASSES, "passes " + lbfgs.epochs() + " against " + firstOrder.epochs());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lbfgsFitsLabelsOfScale1e10(String backend) {
        hugeLabelsCase(backend);
    }

    /**
     * Labels times 1e10: the objective is ~1e20, and its float32 sums cannot resolve the first short
     * steps; the line search extrapolates on the slope, and the fit explains the data as the unscaled one does.
     */
    public static void hugeLabelsCase(String backend) {
        Dataset base = TestData.random(ModelKind.LINEAR, 200, 3, 3, 22);
        float[] y = base.labels().clone();
        for (int i = 0; i < y.length; i++) {
            y[i] *= 1e10f;
        }
        Dataset data = Dataset.rowMajor(base.features(), base.rows(), base.columns(), y);
        FitResult scaled = Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).backend(backend).fit(data);
        FitResult plain = Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).backend(backend).fit(base);
        assertEquals(Metrics.r2(base.labels(), plain.predict(base)), Metrics.r2(y, scaled.predict(data)), 1e-3,
                backend + ": " + scaled.status() + ", " + scaled.reason());
    }

    @Test
    void aSolverAskedForWhatItCannotDoNamesTheOption() {
        Dataset data = TestData.random(ModelKind.LINEAR, 50, 3, 0, 1);
        String l1 = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).l1(0.1).fit(data)).getMessage();
        assertTrue(l1.contains("owlqn"), l1);
        String noL1 = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).solver(Solver.OWLQN).fit(data)).getMessage();
        assertTrue(noL1.contains("l1"), noL1);
        String batch = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).batchSize(10).fit(data)).getMessage();
        assertTrue(batch.contains("full batch"), batch);
        String rate = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).solver(Solver.LBFGS).learningRate(0.1).fit(data)).getMessage();
        assertTrue(rate.contains("learning rate"), rate);
        assertThrows(InvalidInputException.class, () -> Solver.parse("newton"));
    }

    /** An interrupt stops L-BFGS after the iteration under way, with the best weights so far, and is handed back. */
    @Test
    void anInterruptStopsLbfgsWithTheBestWeightsSoFar() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 2000, 10, 0, 12);
        Thread.currentThread().interrupt();
        FitResult result;
        boolean flagAfter;
        try {
            result = Fitter.of(ModelKind.LOGISTIC).solver(Solver.LBFGS).backend("cpu").fit(data);
        } finally {
            flagAfter = Thread.interrupted();
        }
        assertEquals(FitStatus.INTERRUPTED, result.status(), result.reason());
        assertEquals(1, result.steps(), "one iteration, then the interrupt is seen");
        assertTrue(result.reason().contains("interrupted after") && result.reason().contains("best"), result.reason());
        assertTrue(Arrays.stream(result.model().weights()[0]).allMatch(Double::isFinite));
        assertTrue(result.objective() < Math.log(2), "below the zero model's objective: " + result.objective());
        assertTrue(flagAfter, "the interrupt flag is handed back to the caller");
    }

    /** A warm start from a converged model needs fewer passes and ends at the same objective; another kind, width or classes is refused. */
    @Test
    void aWarmStartFromTheOptimumEndsAtOnceAndAMismatchIsRefused() {
        Dataset data = TestData.random(ModelKind.SOFTMAX, 800, 6, 3, 14);
        FitResult cold = Fitter.of(ModelKind.SOFTMAX).l2(1e-3).backend("cpu").fit(data);
        FitResult warm = Fitter.of(ModelKind.SOFTMAX).l2(1e-3).backend("cpu").initialModel(cold.model()).fit(data);
        assertEquals(FitStatus.CONVERGED, warm.status(), warm.reason());
        assertTrue(warm.epochs() < cold.epochs(), "passes from the optimum: " + warm.epochs() + " (cold: " + cold.epochs() + ")");
        assertEquals(cold.objective(), warm.objective(), 1e-6 * cold.objective());
        assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).initialModel(cold.model()).fit(TestData.random(ModelKind.LINEAR, 50, 6, 0, 1)));
        assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.SOFTMAX).initialModel(cold.model()).fit(TestData.random(ModelKind.SOFTMAX, 50, 5, 3, 1)));
        String classes = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.SOFTMAX).initialModel(cold.model()).fit(TestData.random(ModelKind.SOFTMAX, 80, 6, 4, 1)))
                .getMessage();
        assertTrue(classes.contains("classes"), classes);
    }

    @Test
    void twoFitsGiveTheSameBits() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 3000, 20, 0, 9);
        Fitter fitter = Fitter.of(ModelKind.LOGISTIC).l2(1e-3).solver(Solver.LBFGS).backend("cpu");
        FitResult first = fitter.fit(data);
        FitResult second = fitter.fit(data);
        assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0);
        assertTrue(Arrays.deepEquals(first.model().weights(), second.model().weights()), "bit-identical weights");
    }
}
