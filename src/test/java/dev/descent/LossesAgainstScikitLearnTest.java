package dev.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import dev.descent.backend.TestBackends;
import dev.descent.loss.Loss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The huber, poisson and svm fits against scikit-learn's optimum of the same objective on its bundled data sets
 * (diabetes, with and without outliers, and breast cancer), on the reference, cpu and OpenCL backends. The data files and
 * the optima come from {@code src/test/resources/data/peers/make_expected.py}, which says how each scikit-learn
 * estimator's objective maps to descent's.
 */
class LossesAgainstScikitLearnTest {
    /** The goal: descent's objective at most this far above scikit-learn's, relatively. */
    static final double RELATIVE_GAP = 1e-6;
    /** Both optima of a strongly convex objective: weights agree to this fraction of the largest weight. */
    static final double WEIGHT_RELATIVE = 1e-3;

    static Stream<Arguments> cases() {
        return Stream.of("huber", "poisson", "svm").flatMap(model -> Stream.of("reference", "cpu", "opencl")
                .map(backend -> Arguments.of(model, backend)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void reachesScikitLearnsOptimum(String name, String backend) throws IOException {
        TestBackends.require(backend);
        JsonNode expected = new ObjectMapper().readTree(TestData.dataFile("peers/expected.json").toFile()).get(name);
        Path file = TestData.dataFile("peers/" + expected.get("file").asText());
        Dataset data = DataFile.read(file, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null)).data();
        ModelKind kind = ModelKind.parse(name);
        boolean intercept = kind != ModelKind.SVM; // LinearSVC penalizes its intercept: compared without one
        double l2 = expected.get("l2").asDouble();
        Fitter fitter = Fitter.of(kind).backend(backend).l2(l2).intercept(intercept);
        double delta = Double.NaN;
        if (kind == ModelKind.HUBER) {
            delta = expected.get("delta").asDouble();
            fitter.delta(delta);
        }
        FitResult result = fitter.fit(data);
        assertEquals(FitStatus.CONVERGED, result.status(), result.reason());

        double[] theirs = new double[data.columns()];
        for (int j = 0; j < theirs.length; j++) {
            theirs[j] = expected.get("weights").get(j).asDouble();
        }
        double theirIntercept = expected.get("intercept").asDouble();
        double[] ours = result.model().weights()[0];
        double optimum = objective(kind.loss(), delta, l2, data, theirs, theirIntercept);
        double reached = objective(kind.loss(), delta, l2, data, ours, result.model().intercepts()[0]);
        double gap = (reached - optimum) / Math.abs(optimum);
        assertTrue(gap <= RELATIVE_GAP, name + ": descent's objective " + reached + " is " + gap
                + " above scikit-learn's " + optimum);

        double largest = 0;
        for (double w : theirs) {
            largest = Math.max(largest, Math.abs(w));
        }
        for (int j = 0; j < theirs.length; j++) {
            assertEquals(theirs[j], ours[j], WEIGHT_RELATIVE * largest, name + " weight " + j);
        }
        assertEquals(theirIntercept, result.model().intercepts()[0], WEIGHT_RELATIVE * Math.max(largest,
                Math.abs(theirIntercept)), name + " intercept");
    }

    /** (1/n) sum loss(x_i . w + b, y_i) + (l2/2) ||w||^2 in double on the float32 data, from the loss table. */
    static double objective(Loss loss, double parameter, double l2, Dataset data, double[] w, double b) {
        float[] x = data.features();
        float[] y = data.labels();
        int d = data.columns();
        double sum = 0;
        for (int i = 0; i < data.rows(); i++) {
            double z = b;
            for (int j = 0; j < d; j++) {
                z += w[j] * x[i * d + j];
            }
            sum += loss.value(z, y[i], parameter);
        }
        double penalty = 0;
        for (double v : w) {
            penalty += v * v;
        }
        return sum / data.rows() + l2 / 2 * penalty;
    }
}
