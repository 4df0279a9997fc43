package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.backend.Agreement;
import dev.descent.backend.ModelSetSums;
import dev.descent.backend.TestBackends;
import dev.descent.backend.cpu.CpuBackend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Paths and cross-validation, many models sharing each pass over X, against the same models fitted one by one:
 * the objectives of two runs to the same optimum agree to the float32 sums' rounding.
 */
class ManyModelsTest {
    /** Two fits to one optimum: objectives within this, relatively (QuasiNewtonLoop's float32 resolution, with room). */
    static final double OBJECTIVE_RELATIVE = 1e-6;
    /** Model-set sums against the reference's, as BackendAgreementTest holds the one-model sums. */
    static final double SUMS_RELATIVE = 1e-5;
    static final double SUMS_ABSOLUTE = 1e-5;
    static final double[] GRID = {1e-4, 1e-3, 1e-2, 1e-1};
    /** Weights of two fits to one well-conditioned optimum (l2 1e-2, weights of order 1). */
    static final double WEIGHTS_ABSOLUTE = 2e-3;
    /**
     * A held-out loss under weights fitted on two backends: not the minimized objective, so it moves with the
     * weights' float32 differences at first order (1e-5 seen on OpenCL).
     */
    static final double HELD_OUT_RELATIVE = 1e-4;

    static Stream<Arguments> oneOutputModelsOnBothBackends() {
        return Stream.of(ModelKind.LINEAR, ModelKind.LOGISTIC, ModelKind.HUBER, ModelKind.POISSON, ModelKind.SVM)
                .flatMap(kind -> Stream.of("cpu", "reference").map(backend -> Arguments.of(kind, backend)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("oneOutputModelsOnBothBackends")
    void aPathSharesItsPassesAndReachesEachOptimum(ModelKind kind, String backend) {
        Dataset data = TestData.random(kind, 1500, 7, 0, 21);
        List<FitResult> path = Fitter.of(kind).backend(backend).path(data, GRID);
        assertEquals(GRID.length, path.size());
        int separatePasses = 0;
        for (int v = 0; v < GRID.length; v++) {
            FitResult alone = Fitter.of(kind).backend(backend).l2(GRID[v]).fit(data);
            separatePasses += alone.epochs();
            FitResult shared = path.get(v);
            assertEquals(FitStatus.CONVERGED, shared.status(), shared.reason());
            assertEquals(alone.objective(), shared.objective(), OBJECTIVE_RELATIVE * Math.abs(alone.objective()),
                    kind + " l2 " + GRID[v]);
            assertTrue(shared.backendChoice().contains("models fitted together"), shared.backendChoice());
        }
        int shared = passes(path.get(0).backendChoice());
        assertTrue(shared < separatePasses, shared + " shared passes against " + separatePasses + " for the fits alone");
        List<FitResult> again = Fitter.of(kind).backend(backend).path(data, GRID);
        for (int v = 0; v < GRID.length; v++) {
            assertArrayEquals(path.get(v).model().weights()[0], again.get(v).model().weights()[0], 0.0, "same bits, " + v);
        }
    }

    @Test
    void anL1PathGivesTheLassoOptimaWithTheirZeros() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 1200, 12, 0, 5);
        double[] l1 = {1e-3, 1e-2, 5e-2};
        List<FitResult> path = Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-4).l1Path(data, l1);
        for (int v = 0; v < l1.length; v++) {
            FitResult alone = Fitter.of(ModelKind.LOGISTIC).backend("cpu").l2(1e-4).l1(l1[v]).fit(data);
            assertEquals(alone.objective(), path.get(v).objective(), OBJECTIVE_RELATIVE * alone.objective(), "l1 " + l1[v]);
            assertEquals(zeros(alone), zeros(path.get(v)), "exact zeros at l1 " + l1[v]);
        }
        assertTrue(zeros(path.get(2)) > zeros(path.get(0)), "a stronger lasso has more zeros");
    }

    /** Softmax models (k outputs each) and the OpenCL backend fit one after the other: the same optima. */
    @Test
    void modelsWithoutSharedPassesFitOneAfterTheOther() {
        Dataset data = TestData.random(ModelKind.SOFTMAX, 600, 5, 3, 8);
        List<FitResult> path = Fitter.of(ModelKind.SOFTMAX).backend("cpu").path(data, GRID);
        for (int v = 0; v < GRID.length; v++) {
            FitResult alone = Fitter.of(ModelKind.SOFTMAX).backend("cpu").l2(GRID[v]).fit(data);
            assertEquals(alone.objective(), path.get(v).objective(), OBJECTIVE_RELATIVE * alone.objective());
            assertTrue(!path.get(v).backendChoice().contains("fitted together"), path.get(v).backendChoice());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossValidationScoresEachFoldAsAFitWithoutIt(String backend) {
        TestBackends.require(backend);
        Dataset data = TestData.random(ModelKind.LOGISTIC, 900, 6, 0, 13);
        double[] grid = {1e-3, 1e-1, 1};
        int folds = 3;
        CrossValidation cv = Fitter.of(ModelKind.LOGISTIC).backend(backend).seed(4).crossValidate(data, folds, grid);
        assertEquals(!backend.equals("opencl"), cv.sharedPasses(), "shared passes on cpu and reference only");
        byte[] fold = ManyModels.folds(data.rows(), folds, 4);
        for (int v = 0; v < grid.length; v++) {
            for (int f = 0; f < folds; f++) {
                int[][] rows = rowsOf(fold, f);
                FitResult alone = Fitter.of(ModelKind.LOGISTIC).backend("reference").l2(grid[v]).fit(data.select(rows[0]));
                double expected = meanLogLoss(alone.model(), data.select(rows[1]));
                assertEquals(expected, cv.heldOutLoss()[v][f], HELD_OUT_RELATIVE * expected, "value " + grid[v] + ", fold " + f);
            }
        }
        int best = 0;
        for (int v = 1; v < grid.length; v++) {
            best = cv.meanHeldOutLoss()[v] < cv.meanHeldOutLoss()[best] ? v : best;
        }
        assertEquals(best, cv.best());
        FitResult refit = Fitter.of(ModelKind.LOGISTIC).backend(backend).l2(cv.bestL2()).fit(data);
        assertArrayEquals(refit.model().weights()[0], cv.model().model().weights()[0], 0.0, "the best value refitted on every row");
        assertTrue(cv.table().contains("<- best"), cv.table());
    }

    static Stream<String> backends() {
        return Stream.of("cpu", "reference", "opencl");
    }

    /** Each fold holds about n / folds rows, chosen by the seed. */
    @Test
    void foldsAreEvenAndSeeded() {
        byte[] fold = ManyModels.folds(1001, 5, 9);
        int[] counts = new int[5];
        for (byte f : fold) {
            counts[f]++;
        }
        for (int count : counts) {
            assertTrue(count == 200 || count == 201, "fold sizes " + java.util.Arrays.toString(counts));
        }
        assertArrayEquals(fold, ManyModels.folds(1001, 5, 9));
        assertTrue(!java.util.Arrays.equals(fold, ManyModels.folds(1001, 5, 10)), "another seed, other folds");
    }

    /**
     * The cpu model-set pass against the reference's, with folds, counted and held-out rows, some models inactive;
     * for the binary losses also one-vs-rest labels (class indices 0..2, a positive class per model).
     */
    @ParameterizedTest(name = "{0}, one-vs-rest {1}")
    @MethodSource("lossesAndOneVsRest")
    void cpuModelSetSumsMatchTheReference(ModelKind kind, boolean oneVsRest) {
        int rows = 3001;
        int d = 37;
        Dataset data = TestData.random(kind, rows, d, 0, 17).withSampleWeights(TestData.weights(rows, 3));
        float[] positive = null;
        if (oneVsRest) {
            data = data.withLabels(TestData.random(ModelKind.SOFTMAX, rows, d, 3, 17).labels());
            positive = new float[] {0, 1, 2, 0, 1, 2, 1};
        }
        Problem problem = new Problem(kind, 1, d, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        int models = 7;
        double[][] parameters = new double[models][d + 1];
        SplittableRandom random = new SplittableRandom(2);
        for (double[] p : parameters) {
            for (int j = 0; j <= d; j++) {
                p[j] = random.nextDouble(-0.5, 0.5) / (kind == ModelKind.POISSON ? Math.sqrt(d) : 1);
            }
        }
        boolean[] active = {true, false, true, true, true, false, true};
        byte[] folds = ManyModels.folds(rows, 4, 1);
        int[] heldOut = {0, 1, 2, 3, 0, 1, 2};
        try (CpuBackend cpu = new CpuBackend(2); ReferenceBackend reference = new ReferenceBackend()) {
            cpu.upload(data, problem);
            reference.upload(data, problem);
            for (boolean only : new boolean[] {false, true}) {
                for (byte[] f : new byte[][] {folds, null}) {
                    DataTermSums[] expected = sums(models, d);
                    DataTermSums[] actual = sums(models, d);
                    ModelSetSums.ModelSet counted = new ModelSetSums.ModelSet(f, heldOut, only, positive);
                    reference.modelSetSums(counted, parameters, active, expected);
                    cpu.modelSetSums(counted, parameters, active, actual);
                    for (int m = 0; m < models; m++) {
                        if (!active[m]) {
                            assertEquals(-1.0, actual[m].weightTotal(), 0.0, "an inactive model's sums are left alone");
                            continue;
                        }
                        String what = kind + " model " + m + (f == null ? "" : only ? " held out" : " folds");
                        // compared as the objective uses them, divided by S (BackendAgreementTest's measure)
                        assertEquals(expected[m].weightTotal(), actual[m].weightTotal(), 1e-9 * expected[m].weightTotal(),
                                what + " S");
                        Agreement.assertClose(what + " loss", new double[] {expected[m].lossSum() / expected[m].weightTotal()},
                                new double[] {actual[m].lossSum() / actual[m].weightTotal()}, SUMS_ABSOLUTE, SUMS_RELATIVE);
                        Agreement.assertClose(what + " gradient", perWeight(expected[m]), perWeight(actual[m]),
                                SUMS_ABSOLUTE, SUMS_RELATIVE);
                    }
                }
            }
            // a model's sums do not depend on which others share its pass
            DataTermSums[] alone = sums(models, d);
            boolean[] onlyThird = new boolean[models];
            onlyThird[3] = true;
            ModelSetSums.ModelSet counted = new ModelSetSums.ModelSet(folds, heldOut, false, positive);
            cpu.modelSetSums(counted, parameters, onlyThird, alone);
            DataTermSums[] together = sums(models, d);
            cpu.modelSetSums(counted, parameters, active, together);
            assertArrayEquals(together[3].gradient(), alone[3].gradient(), 0.0, "the same bits alone and in company");
            assertEquals(together[3].lossSum(), alone[3].lossSum(), 0.0);
        }
    }

    static Stream<Arguments> lossesAndOneVsRest() {
        return Stream.of(ModelKind.LINEAR, ModelKind.LOGISTIC, ModelKind.HUBER, ModelKind.POISSON, ModelKind.SVM)
                .flatMap(kind -> kind.classifies() ? Stream.of(Arguments.of(kind, false), Arguments.of(kind, true))
                        : Stream.of(Arguments.of(kind, false)));
    }

    /**
     * One-vs-rest: each class's row equals a binary fit of that class against the rest (cpu and reference share the
     * passes; OpenCL, and first-order settings, fit one after the other); predictions are the class of highest score.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("oneVsRestCases")
    void oneVsRestIsABinaryFitPerClass(ModelKind kind, String backend) {
        TestBackends.require(backend);
        Dataset data = TestData.random(ModelKind.SOFTMAX, 900, 6, 4, 31);
        double[] classes = {0, 1, 2, 3};
        FitResult ovr = Fitter.of(kind).backend(backend).l2(1e-2).oneVsRest(data);
        assertEquals(FitStatus.CONVERGED, ovr.status(), ovr.reason());
        assertArrayEquals(classes, ovr.model().classes(), 0.0);
        assertEquals(!backend.equals("opencl"), ovr.backendChoice().contains("fitted together"), ovr.backendChoice());
        double objectives = 0;
        for (int c = 0; c < classes.length; c++) {
            float[] binary = new float[data.rows()];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = data.labels()[i] == c ? 1 : 0;
            }
            FitResult alone = Fitter.of(kind).backend("reference").l2(1e-2).fit(data.withLabels(binary));
            objectives += alone.objective();
            assertArrayEquals(alone.model().weights()[0], ovr.model().weights()[c], WEIGHTS_ABSOLUTE, "class " + c);
        }
        assertEquals(objectives, ovr.objective(), OBJECTIVE_RELATIVE * objectives, "the sum of the classes' objectives");
        double[][] z = ovr.model().decisionFunction(data);
        double[] predicted = ovr.model().predict(data);
        for (int i = 0; i < z.length; i++) {
            int best = 0;
            for (int c = 1; c < z[i].length; c++) {
                best = z[i][c] > z[i][best] ? c : best;
            }
            assertEquals(best, predicted[i], 0.0, "row " + i + " predicts its highest score");
        }
        if (kind == ModelKind.LOGISTIC) {
            double[][] p = ovr.model().predictProba(data);
            for (double[] row : p) {
                assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-12, "normalized sigmoids");
            }
        }
    }

    static Stream<Arguments> oneVsRestCases() {
        return Stream.of(ModelKind.LOGISTIC, ModelKind.SVM)
                .flatMap(kind -> Stream.of("cpu", "reference", "opencl").map(backend -> Arguments.of(kind, backend)));
    }

    @Test
    void oneVsRestNeedsThreeClassesAndABinaryModel() {
        Dataset two = TestData.random(ModelKind.LOGISTIC, 60, 3, 0, 1);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Fitter.of(ModelKind.LOGISTIC).oneVsRest(two));
        assertTrue(e.getMessage().contains("one-vs-rest is for three or more classes; the labels have 2"), e.getMessage());
        Dataset three = TestData.random(ModelKind.SOFTMAX, 60, 3, 3, 1);
        e = assertThrows(InvalidInputException.class, () -> Fitter.of(ModelKind.SOFTMAX).oneVsRest(three));
        assertTrue(e.getMessage().contains("one-vs-rest fits a binary model per class (logistic or svm), not softmax"),
                e.getMessage());
    }

    /** A pass that fails ends the fit with its exception; the models waiting for that pass do not wait forever. */
    @Test
    void aFailedPassEndsTheFitInsteadOfHangingIt() {
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, 3, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        ModelSetSums failing = new ModelSetSums() {
            @Override
            public boolean takesModelSets(dev.descent.data.Dataset rows) {
                return true;
            }

            @Override
            public void modelSetSums(ModelSet set, double[][] parameters, boolean[] active, DataTermSums[] out) {
                throw new IllegalStateException("the device is gone");
            }
        };
        List<dev.descent.fit.ModelSetLoop.Model> models = List.of(
                new dev.descent.fit.ModelSetLoop.Model(problem, new double[4], Fitter.of(ModelKind.LOGISTIC).quasiNewtonSettings()),
                new dev.descent.fit.ModelSetLoop.Model(problem, new double[4], Fitter.of(ModelKind.LOGISTIC).quasiNewtonSettings()));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(IllegalStateException.class,
                        () -> new dev.descent.fit.ModelSetLoop(failing, ModelSetSums.ModelSet.ALL_ROWS, models).run(System.nanoTime())));
        assertEquals("the device is gone", e.getMessage());
    }

    @Test
    void badGridsAndSettingsAreClearErrors() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 50, 3, 0, 1);
        Fitter fitter = Fitter.of(ModelKind.LOGISTIC);
        String[][] cases = {
            {"the l2 grid is empty"}, {"the l2 grid must increase: 0.1 then 0.01"}, {"the l2 grid's value -1.0"},
            {"cross-validation needs 2 to 50 folds (the rows), got 51"}, {"cross-validation needs 2 to 50 folds (the rows), got 1"},
            {"drop the first-order settings"},
        };
        List<Runnable> calls = List.of(
                () -> fitter.path(data),
                () -> fitter.path(data, 0.1, 0.01),
                () -> fitter.path(data, -1, 1),
                () -> fitter.crossValidate(data, 51, 0.1),
                () -> fitter.crossValidate(data, 1, 0.1),
                () -> Fitter.of(ModelKind.LOGISTIC).batchSize(10).path(data, 0.1));
        for (int c = 0; c < cases.length; c++) {
            InvalidInputException e = assertThrows(InvalidInputException.class, calls.get(c)::run);
            assertTrue(e.getMessage().contains(cases[c][0]), e.getMessage());
        }
    }

    private static double[] perWeight(DataTermSums sums) {
        return java.util.Arrays.stream(sums.gradient()).map(g -> g / sums.weightTotal()).toArray();
    }

    private static DataTermSums[] sums(int models, int d) {
        DataTermSums[] sums = new DataTermSums[models];
        for (int m = 0; m < models; m++) {
            sums[m] = new DataTermSums(d + 1);
            sums[m].setTotals(-1, -1);
        }
        return sums;
    }

    private static int passes(String choice) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("in (\\d+) passes over X").matcher(choice);
        assertTrue(m.find(), choice);
        return Integer.parseInt(m.group(1));
    }

    private static int zeros(FitResult result) {
        int zeros = 0;
        for (double w : result.model().weights()[0]) {
            zeros += w == 0 ? 1 : 0;
        }
        return zeros;
    }

    /** {rows outside fold f, rows of fold f}. */
    private static int[][] rowsOf(byte[] fold, int f) {
        int[] outside = java.util.stream.IntStream.range(0, fold.length).filter(i -> fold[i] != f).toArray();
        int[] inside = java.util.stream.IntStream.range(0, fold.length).filter(i -> fold[i] == f).toArray();
        return new int[][] {outside, inside};
    }

    private static double meanLogLoss(LinearModel model, Dataset rows) {
        double[][] z = model.decisionFunction(rows);
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += dev.descent.loss.Loss.LOGISTIC.value(z[i][0], rows.labels()[i], Double.NaN);
        }
        return sum / z.length;
    }
}
