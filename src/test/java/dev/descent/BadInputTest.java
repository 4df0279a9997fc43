package dev.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.cli.Main;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad input named in the core issue gets an InvalidInputException whose message names the problem. */
class BadInputTest {

    private static void rejects(Executable action, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    private static final double[][] X = {{1, 2}, {3, 4}, {5, 6}};
    private static final double[] Y = {0, 1, 1};

    @Test
    void nonFiniteFeaturesNameRowAndColumn() {
        rejects(() -> Dataset.of(new double[][] {{1, 2}, {3, Double.NaN}}, new double[] {0, 1}), "row index 1", "column index 1", "NaN");
        rejects(() -> Dataset.of(new double[][] {{Double.POSITIVE_INFINITY, 2}}, new double[] {0}), "row index 0", "column index 0", "Infinity");
        // two rows far apart: a column constant at 1e300 would be held shifted to zero (FeatureShift)
        rejects(() -> Dataset.of(new double[][] {{1e300, 2}, {0, 3}}, new double[] {0, 1}), "row index 0", "too large for float32");
    }

    @Test
    void nonFiniteLabelsNameTheRow() {
        rejects(() -> Dataset.of(X, new double[] {0, Double.NaN, 1}), "row index 1", "label");
        rejects(() -> Dataset.of(X, new double[] {0, 1, Double.NEGATIVE_INFINITY}), "row index 2", "label");
    }

    @Test
    void logisticLabelsOutsideZeroOne() {
        rejects(() -> Fitter.of(ModelKind.LOGISTIC).fit(X, new double[] {0, 2, 1}), "row index 1", "not 0 or 1");
    }

    @Test
    void fewerThanTwoClasses() {
        rejects(() -> Fitter.of(ModelKind.SOFTMAX).fit(X, new double[] {3, 3, 3}), "at least two classes");
        rejects(() -> Fitter.of(ModelKind.LOGISTIC).fit(X, new double[] {1, 1, 1}), "at least two classes");
    }

    @Test
    void lengthsDiffer() {
        rejects(() -> Fitter.of(ModelKind.LINEAR).fit(X, new double[] {1, 2}), "3 rows", "2 labels");
    }

    @Test
    void emptyDataAndZeroFeatures() {
        rejects(() -> Dataset.of(new double[0][], new double[0]), "empty");
        rejects(() -> Dataset.of(new double[][] {{}, {}}, new double[] {1, 2}), "zero features");
        rejects(() -> Dataset.rowMajor(new float[0], 3, 0, new float[3]), "zero features");
    }

    @Test
    void raggedRows() {
        rejects(() -> Dataset.of(new double[][] {{1, 2}, {3}}, new double[] {1, 2}), "row index 1", "1 columns", "rectangular");
    }

    @Test
    void badSettings() {
        rejects(() -> Fitter.of(ModelKind.LINEAR).learningRate(0), "learning rate", "0.0");
        rejects(() -> Fitter.of(ModelKind.LINEAR).learningRate(-0.1), "learning rate", "-0.1");
        rejects(() -> Fitter.of(ModelKind.LINEAR).learningRate(Double.NaN), "learning rate");
        rejects(() -> Fitter.of(ModelKind.LINEAR).l1(-1), "l1", "-1.0");
        rejects(() -> Fitter.of(ModelKind.LINEAR).l2(-0.5), "l2", "-0.5");
        rejects(() -> Fitter.of(ModelKind.LINEAR).maxEpochs(0), "max epochs");
        rejects(() -> Fitter.of(ModelKind.LINEAR).batchSize(-1), "batch size");
        rejects(() -> Fitter.of(ModelKind.LINEAR).batchSize(4).fit(X, Y), "batch size 4", "3 rows");
        rejects(() -> Fitter.of(ModelKind.LINEAR).backend("tpu").fit(X, Y), "unknown backend 'tpu'", "cpu");
        rejects(() -> Optimizer.of(OptimizerKind.MOMENTUM).withMomentum(1.0), "momentum");
    }

    @Test
    void batchSizeZeroMeansFullBatchAndOneIsSgd() {
        assertEquals(3, Fitter.of(ModelKind.LINEAR).batchSize(0).maxEpochs(2).fit(X, Y).batchSize());
        assertEquals(1, Fitter.of(ModelKind.LINEAR).batchSize(1).maxEpochs(2).fit(X, Y).batchSize());
    }

    @Test
    void sampleWeightsNegativeOrAllZero() {
        Dataset data = Dataset.of(X, Y);
        rejects(() -> data.withSampleWeights(new float[] {1, -1, 1}), "row index 1", "non-negative");
        rejects(() -> data.withSampleWeights(new float[] {0, 0, 0}), "all sample weights are zero");
        rejects(() -> data.withSampleWeights(new float[] {1, 1}), "2 sample weights", "3 rows");
        rejects(() -> data.withSampleWeights(new float[] {1, Float.NaN, 1}), "row index 1");
    }

    @Test
    void predictWithTheWrongNumberOfFeatures() {
        FitResult result = Fitter.of(ModelKind.LINEAR).maxEpochs(5).fit(X, new double[] {1, 2, 3});
        rejects(() -> result.model().predict(new double[][] {{1, 2, 3}}), "2 features", "3 columns");
    }

    @Test
    void theCommandLineShowsOneLineAndExitCodeTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"demo", "--backend", "tpu"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(Main.EXIT_BAD_INPUT, code);
        assertTrue(err.toString().startsWith("descent: unknown backend 'tpu'"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
    }
}
