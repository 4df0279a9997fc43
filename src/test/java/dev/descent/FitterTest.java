package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Solver;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole fits on the cpu and reference backends: convergence, each optimizer, L1, determinism, divergence. */
class FitterTest {
    /** The bar: the fitted weights within 1e-4 of the least-squares solution, relative to its norm. */
    static final double LEAST_SQUARES_RELATIVE = 1e-4;
    /** Per-epoch inverse-time decay for the adaptive rules in the least-squares test. */
    static final double ADAPTIVE_DECAY = 0.01;

    /** Solves (X1^T X1) beta = X1^T y in double by Gaussian elimination with partial pivoting; X1 = [X, 1]. */
    static double[] leastSquares(Dataset data) {
        int n = data.rows();
        int d = data.columns();
        int m = d + 1;
        double[][] a = new double[m][m + 1];
        float[] x = data.features();
        for (int i = 0; i < n; i++) {
            double[] row = new double[m];
            for (int j = 0; j < d; j++) {
                row[j] = x[i * d + j];
            }
            row[d] = 1;
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < m; q++) {
                    a[p][q] += row[p] * row[q];
                }
                a[p][m] += row[p] * data.labels()[i];
            }
        }
        return LinearSystems.solve(a);
    }

    static double relativeError(double[] expected, double[] actual) {
        double error = 0;
        double norm = 0;
        for (int j = 0; j < expected.length; j++) {
            error += (expected[j] - actual[j]) * (expected[j] - actual[j]);
            norm += expected[j] * expected[j];
        }
        return Math.sqrt(error / norm);
    }

    static double[] flat(FitResult result) {
        double[] w = result.model().weights()[0];
        double[] all = Arrays.copyOf(w, w.length + 1);
        all[w.length] = result.model().intercepts()[0];
        return all;
    }

    static Stream<Arguments> optimizersAndBackends() {
        return Stream.of(OptimizerKind.values()).flatMap(k -> Stream.of(Arguments.of(k, "cpu"), Arguments.of(k, "reference")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("optimizersAndBackends")
    void linearRegressionReachesLeastSquares(OptimizerKind kind, String backend) {
        for (long seed = 1; seed <= 3; seed++) {
            Dataset data = TestData.random(ModelKind.LINEAR, 400, 8, 0, seed);
            double[] expected = leastSquares(data);
            // RMSProp and Adam take steps of about lr in every coordinate, so at a constant rate they hover
            // around the optimum; a decaying rate lets them settle, as one would use them (AdaGrad decays by itself).
            Fitter fitter = Fitter.of(ModelKind.LINEAR).optimizer(kind).backend(backend)
                    .maxEpochs(20_000).tolerance(1e-12).gradientTolerance(1e-8);
            if (kind == OptimizerKind.RMSPROP || kind == OptimizerKind.ADAM) {
                fitter.schedule(Fitter.Schedule.INVERSE_TIME, ADAPTIVE_DECAY);
            }
            FitResult result = fitter.fit(data);
            double error = relativeError(expected, flat(result));
            assertTrue(error < LEAST_SQUARES_RELATIVE, kind + " seed " + seed + ": relative error " + error
                    + " after " + result.epochs() + " epochs, " + result.status() + ": " + result.reason());
        }
    }

    /** Class weights are row weights by class: balanced is n / (k * count), as scikit-learn's; both equal explicit weights. */
    @Test
    void classWeightsAreSampleWeightsByClass() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 3_000, 8, 2, 41);
        float[] labels = data.labels();
        int positives = 0;
        for (float label : labels) {
            positives += label == 1 ? 1 : 0;
        }
        float[] balanced = new float[labels.length];
        float[] fivefold = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int count = labels[i] == 1 ? positives : labels.length - positives;
            balanced[i] = (float) ((double) labels.length / (2.0 * count));
            fivefold[i] = labels[i] == 1 ? 5f : 1f;
        }
        FitResult byClass = Fitter.of(ModelKind.LOGISTIC).backend("reference").balancedClassWeights().fit(data);
        FitResult byRow = Fitter.of(ModelKind.LOGISTIC).backend("reference").fit(data.withSampleWeights(balanced));
        assertArrayEquals(byRow.model().weights()[0], byClass.model().weights()[0], 0.0);
        FitResult mapped = Fitter.of(ModelKind.LOGISTIC).backend("reference").classWeights(java.util.Map.of(1.0, 5.0)).fit(data);
        FitResult rows = Fitter.of(ModelKind.LOGISTIC).backend("reference").fit(data.withSampleWeights(fivefold));
        assertArrayEquals(rows.model().weights()[0], mapped.model().weights()[0], 0.0);
        assertTrue(mapped.model().intercepts()[0] > Fitter.of(ModelKind.LOGISTIC).backend("reference").fit(data).model().intercepts()[0],
                "weighting class 1 up moves the intercept toward it");
        org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LINEAR).balancedClassWeights().fit(TestData.random(ModelKind.LINEAR, 50, 3, 0, 1)));
    }

    /** threads(n) caps the cpu backend's threads, and the weights do not depend on how many there are. */
    @Test
    void threadsCapTheCpuBackendWithoutChangingABit() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 5_000, 40, 2, 31);
        FitResult one = Fitter.of(ModelKind.LOGISTIC).backend("cpu").threads(1).l2(1e-3).fit(data);
        FitResult all = Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-3).fit(data);
        assertTrue(one.device().startsWith("1 thread,"), one.device());
        assertTrue(all.device().startsWith(Runtime.getRuntime().availableProcessors() + " thread"), all.device());
        assertTrue(Arrays.equals(one.model().weights()[0], all.model().weights()[0]), "same weights, 1 thread or all");
        assertEquals(one.model().intercepts()[0], all.model().intercepts()[0], 0.0);
        org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, () -> Fitter.of(ModelKind.LOGISTIC).threads(-1));
    }

    @Test
    void defaultsReachLeastSquaresOnTheirOwn() {
        Dataset data = TestData.random(ModelKind.LINEAR, 2000, 20, 0, 42);
        FitResult result = Fitter.of(ModelKind.LINEAR).fit(data);
        assertEquals(FitStatus.CONVERGED, result.status(), result.reason());
        double error = relativeError(leastSquares(data), flat(result));
        assertTrue(error < LEAST_SQUARES_RELATIVE, "relative error " + error);
    }

    /**
     * Features on scales 1e3, 1e-2 and 1 with means of a few spreads: plain gradient descent crawls
     * (condition number ~1e10), the standardized coordinates reach the same least-squares optimum in a
     * few hundred epochs, and the reported weights are in the original units. (A mean thousands of
     * spreads from zero is beyond float32 arithmetic in the original coordinates: see the README.)
     */
    @Test
    void preconditioningReachesTheSameOptimumOnBadlyScaledData() {
        Dataset base = TestData.random(ModelKind.LINEAR, 1000, 3, 0, 21);
        float[] x = base.features().clone();
        double[] scales = {1e3, 1e-2, 1};
        double[] means = {500, 0.05, 3};
        for (int i = 0; i < base.rows(); i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) (means[j] + scales[j] * x[i * 3 + j]);
            }
        }
        Dataset data = Dataset.rowMajor(x, base.rows(), 3, base.labels());
        double[] expected = leastSquares(data);
        // first-order steps, where the change of variables is what makes the budget suffice (L-BFGS copes either way)
        FitResult preconditioned = Fitter.of(ModelKind.LINEAR).solver(Solver.FIRST_ORDER).maxEpochs(1000).fit(data);
        assertEquals(FitStatus.CONVERGED, preconditioned.status(), preconditioned.reason());
        double error = relativeError(expected, flat(preconditioned));
        assertTrue(error < LEAST_SQUARES_RELATIVE, "relative error " + error + " after " + preconditioned.epochs());
        FitResult plain = Fitter.of(ModelKind.LINEAR).solver(Solver.FIRST_ORDER).precondition(false).maxEpochs(1000).fit(data);
        assertTrue(relativeError(expected, flat(plain)) > 100 * LEAST_SQUARES_RELATIVE,
                "without the change of variables the same budget should not suffice: " + relativeError(expected, flat(plain)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(OptimizerKind.class)
    void everyOptimizerLowersEveryObjective(OptimizerKind kind) {
        for (ModelKind model : ModelKind.values()) {
            for (int batch : new int[] {0, 50}) {
                Dataset data = TestData.random(model, 500, 10, 3, 7);
                Fitter fitter = Fitter.of(model).optimizer(kind).batchSize(batch).maxEpochs(30);
                if (model == ModelKind.POISSON && !kind.isAdaptive()) {
                    fitter.learningRate(TestData.POISSON_LEARNING_RATE);
                }
                FitResult result = fitter.fit(data);
                double start = objectiveAtZero(model, data);
                assertTrue(result.objective() < 0.9 * start, kind + " " + model + " batch " + batch + ": objective "
                        + start + " -> " + result.objective());
            }
        }
    }

    /** The objective of the starting point (all parameters zero), from the reference backend. */
    static double objectiveAtZero(ModelKind model, Dataset data) {
        var problem = new dev.descent.optim.Problem(model, model == ModelKind.SOFTMAX ? 3 : 1, data.columns(), true, 0, 0,
                Optimizer.of(OptimizerKind.GD));
        try (var reference = new dev.descent.backend.reference.ReferenceBackend()) {
            reference.upload(data, problem);
            reference.setParameters(new double[problem.parameterCount()]);
            return reference.evaluate(null);
        }
    }

    /**
     * Lasso with an orthogonal design has a closed form. With X^T X / n = I and centred columns and y,
     * (1/n)||Xw - y||^2 + l1 ||w||_1 is minimized by w_j = soft(b_j, l1 / 2), b = X^T y / n, intercept 0.
     * The columns are rows of a 4 x 4 Hadamard matrix other than the all-ones one.
     */
    @Test
    void l1GivesExactZerosWhereTheOptimumHasThem() {
        float[] x = {1, 1, 1, -1, 1, -1, 1, -1, -1, -1, -1, 1};
        // y = 1.0 col0 + 0.1 col1 - 0.5 col2, so b = (1.0, 0.1, -0.5) and w = (0.8, 0, -0.3) at l1 = 0.4
        float[] y = {0.6f, -0.4f, 1.4f, -1.6f};
        Dataset data = Dataset.rowMajor(x, 4, 3, y);
        double l1 = 0.4;
        double[] b = new double[3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                b[j] += x[i * 3 + j] * y[i] / 4.0;
            }
        }
        for (String backend : new String[] {"cpu", "reference"}) {
            FitResult result = Fitter.of(ModelKind.LINEAR).optimizer(OptimizerKind.GD).l1(l1).backend(backend)
                    .maxEpochs(5000).fit(data);
            double[] w = result.model().weights()[0];
            for (int j = 0; j < 3; j++) {
                double optimum = dev.descent.optim.ParameterUpdate.softThreshold(b[j], l1 / 2);
                if (optimum == 0) {
                    assertEquals(0.0, w[j], 0.0, backend + ": weight " + j + " must be exactly zero; b = " + Arrays.toString(b));
                } else {
                    assertEquals(optimum, w[j], 1e-6, backend + ": weight " + j);
                }
            }
            assertTrue(Arrays.stream(w).filter(v -> v == 0).count() >= 1, "the design must have at least one zero: " + Arrays.toString(b));
        }
    }

    @ParameterizedTest(name = "batch {0} on {1}")
    @MethodSource("batchesAndBackends")
    void sameSeedGivesBitIdenticalWeights(int batch, String backend) {
        for (ModelKind model : ModelKind.values()) {
            Dataset data = TestData.random(model, 3000, 12, 4, 11);
            Fitter fitter = Fitter.of(model).optimizer(OptimizerKind.ADAM).batchSize(batch).seed(99).randomInit(true)
                    .backend(backend).maxEpochs(5).tolerance(0);
            FitResult first = fitter.fit(data);
            FitResult second = fitter.fit(data);
            assertTrue(Arrays.deepEquals(first.model().weights(), second.model().weights()), model + " weights");
            assertArrayEquals(first.model().intercepts(), second.model().intercepts(), 0.0);
            assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0);
        }
    }

    static Stream<Arguments> batchesAndBackends() {
        return Stream.of(0, 64, 1).flatMap(b -> Stream.of(Arguments.of(b, "cpu"), Arguments.of(b, "reference")));
    }

    /**
     * 50,000 x 40 logistic: the register kernel and its lane math; 9,000 x 300 linear: wide rows, whose
     * full batch takes long blocks (CpuBackend.LONG_BLOCK_BYTES; here 512 rows, 18 of them, the last one short). Each
     * step's objective is compared too: it is a double sum of row losses grouped by block, so a block
     * partition that followed the thread count would show there even where the gradient's sums of
     * float32 chunks come out exact in double whatever their grouping.
     */
    @ParameterizedTest(name = "{0} {1} x {2}")
    @CsvSource({"LOGISTIC, 50000, 40", "LINEAR, 9000, 300"})
    void cpuResultsDoNotDependOnTheNumberOfThreads(ModelKind kind, int rows, int columns) {
        Dataset data = TestData.random(kind, rows, columns, 0, 5);
        dev.descent.optim.Problem problem = new dev.descent.optim.Problem(kind, 1, columns, true, 0.01, 0,
                Optimizer.of(OptimizerKind.NESTEROV));
        double[][] results = new double[3][];
        int[] threads = {1, 2, 3};
        for (int t = 0; t < threads.length; t++) {
            try (var cpu = new dev.descent.backend.cpu.CpuBackend(threads[t])) {
                cpu.upload(data, problem);
                cpu.setParameters(new double[problem.parameterCount()]);
                double[] objectives = new double[5];
                for (int step = 0; step < objectives.length; step++) {
                    cpu.step(0, 0, data.rows(), 0.5);
                    objectives[step] = cpu.lastObjective();
                }
                double[] parameters = cpu.readParameters();
                results[t] = Arrays.copyOf(parameters, parameters.length + objectives.length);
                System.arraycopy(objectives, 0, results[t], parameters.length, objectives.length);
            }
        }
        assertTrue(Arrays.stream(results[0]).allMatch(Double::isFinite), "finite parameters and objectives");
        assertArrayEquals(results[0], results[1], 0.0, "1 vs 2 threads");
        assertArrayEquals(results[0], results[2], 0.0, "1 vs 3 threads");
    }

    @Test
    void tooLargeLearningRateDivergesWithFiniteWeightsAndAdvice() {
        Dataset data = TestData.random(ModelKind.LINEAR, 500, 5, 0, 3);
        for (String backend : new String[] {"cpu", "reference"}) {
            FitResult result = Fitter.of(ModelKind.LINEAR).optimizer(OptimizerKind.GD).learningRate(50).backend(backend)
                    .maxEpochs(10_000).fit(data);
            assertEquals(FitStatus.DIVERGED, result.status(), backend);
            assertTrue(result.reason().contains("learning rate 50.00") && result.reason().contains("smaller"), result.reason());
            for (double w : result.model().weights()[0]) {
                assertTrue(Double.isFinite(w), "weights must be finite: " + Arrays.toString(result.model().weights()[0]));
            }
            assertTrue(Double.isFinite(result.objective()), "objective " + result.objective());
            assertTrue(result.epochs() < 10_000);
        }
    }

    @Test
    void softmaxLearnsSeparatedClassesAndPredictsTheirLabels() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 600;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        double[] labels = {-3, 10, 42};
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = labels[c];
            x[i][0] = 4 * Math.cos(2 * Math.PI * c / 3) + 0.3 * TestData.gaussian(random);
            x[i][1] = 4 * Math.sin(2 * Math.PI * c / 3) + 0.3 * TestData.gaussian(random);
        }
        FitResult result = Fitter.of(ModelKind.SOFTMAX).l2(1e-3).fit(x, y);
        assertArrayEquals(labels, result.model().classes(), 0.0);
        assertArrayEquals(y, result.model().predict(x), 0.0);
        double[][] p = result.model().predictProba(x);
        assertEquals(1.0, p[0][0] + p[0][1] + p[0][2], 1e-12);
        assertTrue(p[0][0] > 0.9, "confident on an easy point: " + Arrays.toString(p[0]));
    }

    @Test
    void logisticMatchesNewtonSolutionWithL2() {
        // Newton's method in double on the same objective is the independent check of the optimum.
        Dataset data = TestData.random(ModelKind.LOGISTIC, 1000, 4, 0, 8);
        double l2 = 0.01;
        FitResult result = Fitter.of(ModelKind.LOGISTIC).l2(l2).maxEpochs(5000).tolerance(1e-12).gradientTolerance(1e-9).fit(data);
        double[] newton = newtonLogistic(data, l2);
        double error = relativeError(newton, flat(result));
        assertTrue(error < LEAST_SQUARES_RELATIVE, "relative error " + error + " " + result.reason());
    }

    static double[] newtonLogistic(Dataset data, double l2) {
        int n = data.rows();
        int d = data.columns();
        int m = d + 1;
        double[] beta = new double[m];
        float[] x = data.features();
        for (int iteration = 0; iteration < 50; iteration++) {
            double[][] h = new double[m][m + 1];
            for (int i = 0; i < n; i++) {
                double[] row = new double[m];
                for (int j = 0; j < d; j++) {
                    row[j] = x[i * d + j];
                }
                row[d] = 1;
                double z = 0;
                for (int j = 0; j < m; j++) {
                    z += row[j] * beta[j];
                }
                double p = Loss.sigmoid(z);
                for (int a = 0; a < m; a++) {
                    for (int b = 0; b < m; b++) {
                        h[a][b] += p * (1 - p) * row[a] * row[b] / n;
                    }
                    h[a][m] -= (p - data.labels()[i]) * row[a] / n;
                }
            }
            for (int j = 0; j < d; j++) {
                h[j][j] += l2;
                h[j][m] -= l2 * beta[j];
            }
            double[] delta = LinearSystems.solve(h);
            for (int j = 0; j < m; j++) {
                beta[j] += delta[j];
            }
        }
        return beta;
    }
}
