package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.backend.Agreement;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.TestBackends;
import dev.descent.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Estimator checks in the spirit of scikit-learn's {@code check_estimator}: properties every fit must
 * have, whatever the backend. Each check runs for every model kind on every backend this build
 * knows; a backend that cannot run here is skipped with its reason (so the count of skips shows).
 *
 * <p>"Same optimum" checks fit both sides to convergence (gradient norm 1e-7, or tolerance 0 and a
 * generous epoch limit) and compare weights and intercepts within {@link #optimumTolerance}.
 */
class EstimatorChecksTest {
    /**
     * Two fits of the same convex problem reach the same optimum up to the stopping rule: the
     * reference (double) to ~1e-7, the float32 backends to ~1e-4 (float32 gradient sums near the
     * optimum). Logistic and softmax carry a small ridge so that the optimum is unique and finite.
     */
    static final double DOUBLE_OPTIMUM = 1e-5;
    static final double FLOAT_OPTIMUM = 2e-3;
    static final double RIDGE = 1e-2;

    static Stream<Arguments> everyKindOnEveryBackend() {
        List<Arguments> cases = new ArrayList<>();
        for (BackendProvider provider : TestBackends.selected()) {
            for (ModelKind kind : ModelKind.values()) {
                cases.add(Arguments.of(kind, provider.name()));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> everyBackend() {
        return TestBackends.selected().stream().map(provider -> Arguments.of(provider.name()));
    }

    static void requireBackend(String name) {
        TestBackends.require(name);
    }

    static double optimumTolerance(String backend) {
        return backend.equals("reference") ? DOUBLE_OPTIMUM : FLOAT_OPTIMUM;
    }

    /** A fit run to its optimum: full batch, tight gradient rule. */
    static Fitter toOptimum(ModelKind kind, String backend) {
        return Fitter.of(kind).backend(backend).l2(kind == ModelKind.LINEAR ? 0 : RIDGE).maxEpochs(20_000).tolerance(0)
                .gradientTolerance(1e-7);
    }

    static Dataset data(ModelKind kind, int rows, int columns, long seed) {
        return TestData.random(kind, rows, columns, 3, seed);
    }

    static void assertSameModel(String what, LinearModel expected, LinearModel actual, double tolerance) {
        for (int c = 0; c < expected.weights().length; c++) {
            Agreement.assertClose(what + ": weights of output " + c, expected.weights()[c], actual.weights()[c], tolerance,
                    tolerance);
        }
        Agreement.assertClose(what + ": intercepts", expected.intercepts(), actual.intercepts(), tolerance, tolerance);
    }

    /** The data with row {@code row} appended again at the end. */
    static Dataset withRowRepeated(Dataset data, int row) {
        int d = data.columns();
        float[] x = Arrays.copyOf(data.features(), (data.rows() + 1) * d);
        System.arraycopy(data.features(), row * d, x, data.rows() * d, d);
        float[] y = Arrays.copyOf(data.labels(), data.rows() + 1);
        y[data.rows()] = data.labels()[row];
        return Dataset.rowMajor(x, data.rows() + 1, d, y);
    }

    /** The data without row {@code row}. */
    static Dataset withoutRow(Dataset data, int row) {
        int d = data.columns();
        int n = data.rows();
        float[] x = new float[(n - 1) * d];
        float[] y = new float[n - 1];
        for (int i = 0, k = 0; i < n; i++) {
            if (i != row) {
                System.arraycopy(data.features(), i * d, x, k * d, d);
                y[k++] = data.labels()[i];
            }
        }
        return Dataset.rowMajor(x, n - 1, d, y);
    }

    static float[] ones(int n) {
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        return w;
    }

    // ---- sample weights -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void weightTwoOnARowEqualsTheRowTwice(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 80, 4, 11);
        float[] weights = ones(data.rows());
        weights[7] = 2;
        LinearModel weighted = toOptimum(kind, backend).fit(data.withSampleWeights(weights)).model();
        LinearModel duplicated = toOptimum(kind, backend).fit(withRowRepeated(data, 7)).model();
        assertSameModel("weight 2 vs duplicated row", duplicated, weighted, optimumTolerance(backend));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void allWeightsOneEqualsNoWeights(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 80, 4, 12);
        LinearModel plain = toOptimum(kind, backend).fit(data).model();
        LinearModel weighted = toOptimum(kind, backend).fit(data.withSampleWeights(ones(data.rows()))).model();
        assertSameModel("weights all 1 vs none", plain, weighted, optimumTolerance(backend));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void weightZeroEqualsTheRowRemoved(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 80, 4, 13);
        float[] weights = ones(data.rows());
        weights[9] = 0;
        LinearModel weighted = toOptimum(kind, backend).fit(data.withSampleWeights(weights)).model();
        LinearModel removed = toOptimum(kind, backend).fit(withoutRow(data, 9)).model();
        assertSameModel("weight 0 vs row removed", removed, weighted, optimumTolerance(backend));
    }

    // ---- order and reproducibility --------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void fullBatchOptimumDoesNotDependOnRowOrder(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 90, 5, 14);
        int n = data.rows();
        int d = data.columns();
        float[] x = new float[n * d];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int from = (i * 37 + 11) % n; // a fixed permutation (37 is prime to 90)
            System.arraycopy(data.features(), from * d, x, i * d, d);
            y[i] = data.labels()[from];
        }
        Dataset shuffled = Dataset.rowMajor(x, n, d, y);
        assertSameModel("rows reordered", toOptimum(kind, backend).fit(data).model(),
                toOptimum(kind, backend).fit(shuffled).model(), optimumTolerance(backend));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void theSameSeedGivesTheSameBitsFullBatchAndMiniBatch(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 300, 6, 15);
        for (int batch : new int[] {0, 32}) {
            Fitter fitter = Fitter.of(kind).backend(backend).batchSize(batch).seed(99).maxEpochs(15).randomInit(true);
            if (kind == ModelKind.POISSON && batch > 0) {
                fitter.learningRate(TestData.POISSON_LEARNING_RATE);
            }
            FitResult first = fitter.fit(data);
            FitResult second = fitter.fit(data);
            assertTrue(Arrays.deepEquals(first.model().weights(), second.model().weights()), "batch " + batch + ": weights");
            assertArrayEquals(first.model().intercepts(), second.model().intercepts(), 0.0, "batch " + batch + ": intercepts");
            assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0, "batch " + batch + ": history");
        }
    }

    // ---- invariances ----------------------------------------------------------------------------

    @ParameterizedTest(name = "on {0}")
    @MethodSource("everyBackend")
    void scalingLinearLabelsScalesTheWeights(String backend) {
        requireBackend(backend);
        Dataset data = data(ModelKind.LINEAR, 100, 4, 16);
        double c = 7.5;
        float[] scaled = data.labels().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= (float) c;
        }
        LinearModel plain = toOptimum(ModelKind.LINEAR, backend).fit(data).model();
        LinearModel model = toOptimum(ModelKind.LINEAR, backend).fit(data.withLabels(scaled)).model();
        double[] expected = Arrays.stream(plain.weights()[0]).map(w -> c * w).toArray();
        Agreement.assertClose("weights for labels x " + c, expected, model.weights()[0], c * optimumTolerance(backend),
                optimumTolerance(backend));
        Agreement.assertClose("intercept for labels x " + c, new double[] {c * plain.intercepts()[0]}, model.intercepts(),
                c * optimumTolerance(backend), optimumTolerance(backend));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void aConstantFeatureChangesOnlyTheSplitWithTheIntercept(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 100, 3, 17);
        Dataset widened = withConstantColumn(data, 2.5f);
        FitResult plain = toOptimum(kind, backend).fit(data);
        FitResult wide = toOptimum(kind, backend).fit(widened);
        assertTrue(wide.status() != FitStatus.DIVERGED, wide.reason());
        double tolerance = optimumTolerance(backend);
        Agreement.assertClose("objective", new double[] {plain.objective()}, new double[] {wide.objective()}, tolerance,
                tolerance);
        double[][] expected = plain.model().decisionFunction(data);
        double[][] actual = wide.model().decisionFunction(widened);
        for (int i = 0; i < expected.length; i++) {
            Agreement.assertClose("decision function of row " + i, expected[i], actual[i], 10 * tolerance, 10 * tolerance);
        }
    }

    static Dataset withConstantColumn(Dataset data, float value) {
        int n = data.rows();
        int d = data.columns();
        float[] x = new float[n * (d + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data.features(), i * d, x, i * (d + 1), d);
            x[i * (d + 1) + d] = value;
        }
        return Dataset.rowMajor(x, n, d + 1, data.labels());
    }

    // ---- prediction errors ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void predictingOnAnotherNumberOfFeaturesNamesBothCounts(ModelKind kind, String backend) {
        requireBackend(backend);
        LinearModel model = Fitter.of(kind).backend(backend).maxEpochs(5).fit(data(kind, 50, 4, 18)).model();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.predict(data(kind, 5, 6, 19)));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("4"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aModelWithoutWeightsCannotPredict(ModelKind kind) {
        // The API has no unfitted estimator: a LinearModel comes from Fitter.fit or ModelFile.read. One
        // made by hand without weights is the "predict before fit" case, refused when it is made.
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new LinearModel(kind, new double[0], new double[0][], new double[0]));
        assertTrue(e.getMessage().contains("no weights") && e.getMessage().contains("Fitter"), e.getMessage());
    }

    static Stream<ModelKind> kinds() {
        return Arrays.stream(ModelKind.values());
    }

    // ---- degenerate data --------------------------------------------------------------------------

    @ParameterizedTest(name = "on {0}")
    @MethodSource("everyBackend")
    void oneRowFitsExactlyForLinear(String backend) {
        requireBackend(backend);
        Dataset one = Dataset.rowMajor(new float[] {1.5f, -2f}, 1, 2, new float[] {3f});
        FitResult result = Fitter.of(ModelKind.LINEAR).backend(backend).fit(one);
        assertTrue(result.status() != FitStatus.DIVERGED, result.reason());
        assertEquals(3.0, result.predict(one)[0], 1e-3);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void oneFeatureAndDuplicateRowsFit(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset single = data(kind, 60, 1, 20);
        FitResult one = toOptimum(kind, backend).fit(single);
        assertEquals(FitStatus.CONVERGED, one.status(), one.reason());
        Dataset doubled = withRowRepeated(single, 0);
        for (int i = 1; i < single.rows(); i++) {
            doubled = withRowRepeated(doubled, i);
        }
        // every row twice: the same objective, so the same optimum
        assertSameModel("every row duplicated", one.model(), toOptimum(kind, backend).fit(doubled).model(),
                optimumTolerance(backend));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyKindOnEveryBackend")
    void aConstantFeatureAloneLeavesOnlyTheIntercept(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = data(kind, 60, 1, 21);
        float[] x = new float[data.rows()];
        Arrays.fill(x, 4f);
        FitResult result = toOptimum(kind, backend).fit(Dataset.rowMajor(x, data.rows(), 1, data.labels()));
        assertTrue(result.status() != FitStatus.DIVERGED, result.reason());
        double[] parameters = allParameters(result.model());
        assertTrue(Arrays.stream(parameters).allMatch(Double::isFinite), Arrays.toString(parameters));
        if (kind == ModelKind.LINEAR) {
            double mean = 0;
            for (float label : data.labels()) {
                mean += label / data.rows();
            }
            assertEquals(mean, result.predict(Dataset.rowMajor(new float[] {4f}, 1, 1, null))[0], 1e-3);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("everyBackend")
    void separableLogisticDataStopsOnItsRuleWithFiniteWeights(String backend) {
        requireBackend(backend);
        int n = 40;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < n / 2 ? -1 - i : 1 + i;
            y[i] = i < n / 2 ? 0 : 1;
        }
        FitResult result = Fitter.of(ModelKind.LOGISTIC).backend(backend).maxEpochs(3000).fit(Dataset.rowMajor(x, n, 1, y));
        // without l2 the infimum is 0 at infinite weights: the fit must end on a rule, say which, and stay finite
        assertNotEquals(FitStatus.DIVERGED, result.status(), result.reason());
        assertTrue(result.reason() != null && !result.reason().isBlank());
        assertTrue(Arrays.stream(allParameters(result.model())).allMatch(Double::isFinite), result.model().toString());
        assertEquals(1.0, Metrics.accuracy(y, result.predict(Dataset.rowMajor(x, n, 1, y))), 0.0);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("classifiersOnEveryBackend")
    void aSingleClassIsAClearError(ModelKind kind, String backend) {
        requireBackend(backend);
        Dataset data = Dataset.rowMajor(new float[] {1, 2, 3, 4}, 4, 1, new float[] {1, 1, 1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Fitter.of(kind).backend(backend).fit(data));
        assertTrue(e.getMessage().contains("class"), e.getMessage());
    }

    static Stream<Arguments> classifiersOnEveryBackend() {
        return everyKindOnEveryBackend().filter(a -> ((ModelKind) a.get()[0]).classifies());
    }

    // ---- extreme values ---------------------------------------------------------------------------

    /**
     * Features around 1e30 or 1e-30 and linear labels of 1e10: either a correct fit (predictions within
     * 1e-3 relative of the labels' least-squares fit, judged by R^2) or a clear error that suggests
     * --standardize; never NaN weights reported as a result.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("extremes")
    void extremeValuesFitOrFailClearly(String extreme, String backend) {
        requireBackend(backend);
        Dataset base = data(ModelKind.LINEAR, 200, 3, 22);
        float featureScale = extreme.equals("features 1e30") ? 1e30f : extreme.equals("features 1e-30") ? 1e-30f : 1f;
        float labelScale = extreme.equals("labels 1e10") ? 1e10f : 1f;
        float[] x = base.features().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= featureScale;
        }
        float[] y = base.labels().clone();
        for (int i = 0; i < y.length; i++) {
            y[i] *= labelScale;
        }
        Dataset data = Dataset.rowMajor(x, base.rows(), base.columns(), y);
        FitResult result;
        try {
            result = Fitter.of(ModelKind.LINEAR).backend(backend).fit(data);
        } catch (InvalidInputException e) {
            assertTrue(e.getMessage().contains("--standardize"), "a refusal must suggest --standardize: " + e.getMessage());
            return;
        }
        assertTrue(Arrays.stream(allParameters(result.model())).allMatch(Double::isFinite),
                extreme + ": non-finite weights reported with status " + result.status() + ": " + result.model());
        if (result.status() == FitStatus.DIVERGED) {
            assertTrue(result.reason().contains("--standardize"), "a failed fit must suggest --standardize: " + result.reason());
            return;
        }
        double r2 = Metrics.r2(y, result.predict(data));
        double expected = Metrics.r2(base.labels(), toOptimum(ModelKind.LINEAR, "reference").fit(base).predict(base));
        assertEquals(expected, r2, 1e-3, extreme + " on " + backend + ": R^2 against the unscaled fit's; " + result.reason());
    }

    static Stream<Arguments> extremes() {
        List<Arguments> cases = new ArrayList<>();
        for (BackendProvider provider : TestBackends.selected()) {
            for (String extreme : new String[] {"features 1e30", "features 1e-30", "labels 1e10"}) {
                cases.add(Arguments.of(extreme, provider.name()));
            }
        }
        return cases.stream();
    }

    static double[] allParameters(LinearModel model) {
        return Stream.concat(Arrays.stream(model.weights()).flatMapToDouble(Arrays::stream).boxed(),
                Arrays.stream(model.intercepts()).boxed()).mapToDouble(Double::doubleValue).toArray();
    }
}
