package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.cli.Main;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import dev.descent.data.FeatureShift;
import dev.descent.data.Standardization;
import dev.descent.io.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Columns far from zero relative to their spread (Unix timestamps) are held as x - shift, chosen in double
 * ({@link FeatureShift}), and everything a user sees is in the original units: fits against the closed-form
 * least-squares solution in double, predictions, standardization, held-out rows, starting models, fits
 * without an intercept, paths, cross-validation and one-vs-rest.
 */
class FeatureShiftTest {
    /** One row a second from this Unix time: float32 keeps one value in 128 of them. */
    private static final double START = 1.7e9;
    private static final int ROWS = 2000;
    /** y = SLOPE (t - START) + 2 x + 1 + noise. */
    private static final double SLOPE = 0.01;
    private static final double NOISE = 0.1;

    /** R^2 may fall short of the double-precision least-squares fit's by this much (float32 data, a 1e-9 gap). */
    private static final double R2_TOLERANCE = 1e-7;
    /** Relative difference allowed between a fitted weight and the closed form's. */
    private static final double WEIGHT_TOLERANCE = 1e-4;
    /**
     * Relative objective difference allowed between a fit on shifted rows and the reference backend's on the rows
     * as they are: the cpu backend's float32 sums report it within 4e-8. On the unshifted rows of the shared-pass
     * test the cpu backend misses by 8.7e-7 (its float32 z cancels b against w . x).
     */
    private static final double OBJECTIVE_TOLERANCE = 1e-7;
    private static final double SHARED_WEIGHT_TOLERANCE = 1e-3;
    /** Held-out losses of fold models that differ by {@link #SHARED_WEIGHT_TOLERANCE}: 1.2e-5 apart on the cpu backend. */
    private static final double HELD_OUT_TOLERANCE = 1e-4;
    /** Relative difference allowed between two computations of one prediction or loss from differently shifted rows. */
    private static final double SAME_TOLERANCE = 1e-6;

    @TempDir
    Path folder;

    /** t (a second apart), x ~ N(0, 1), y: rows of doubles. */
    private static double[][] rows(int count, double start, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] rows = new double[count][];
        for (int i = 0; i < count; i++) {
            double t = start + i;
            double x = TestData.gaussian(random);
            double y = SLOPE * (t - START) + 2 * x + 1 + NOISE * TestData.gaussian(random);
            rows[i] = new double[] {t, x, y};
        }
        return rows;
    }

    private Path csv(String name, double[][] rows) throws IOException {
        StringBuilder text = new StringBuilder("time,x,y\n");
        for (double[] row : rows) {
            text.append(String.format(Locale.ROOT, "%.0f,%.17g,%.17g%n", row[0], row[1], row[2]));
        }
        return Files.writeString(folder.resolve(name), text);
    }

    private static Dataset read(Path file) {
        return DataFile.read(file, DataFile.Format.CSV, DataFile.Request.forFit("y", null, null)).data();
    }

    /** The least-squares weights {w_t, w_x, b} in double, from centred normal equations. */
    private static double[] leastSquares(double[][] rows) {
        double[] mean = new double[3];
        for (double[] row : rows) {
            for (int j = 0; j < 3; j++) {
                mean[j] += row[j] / rows.length;
            }
        }
        double[][] system = new double[2][3];
        for (double[] row : rows) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 3; b++) {
                    system[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]);
                }
            }
        }
        double[] w = LinearSystems.solve(system);
        return new double[] {w[0], w[1], mean[2] - w[0] * mean[0] - w[1] * mean[1]};
    }

    private static double r2(double[][] rows, double[] predicted) {
        double mean = 0;
        for (double[] row : rows) {
            mean += row[2] / rows.length;
        }
        double residual = 0;
        double total = 0;
        for (int i = 0; i < rows.length; i++) {
            residual += (rows[i][2] - predicted[i]) * (rows[i][2] - predicted[i]);
            total += (rows[i][2] - mean) * (rows[i][2] - mean);
        }
        return 1 - residual / total;
    }

    private static double[] exact(double[][] rows, double[] coefficients) {
        double[] predicted = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            predicted[i] = coefficients[0] * rows[i][0] + coefficients[1] * rows[i][1] + coefficients[2];
        }
        return predicted;
    }

    @Test
    void aColumnFarFromZeroIsShiftedByARoundedMeanAndOrdinaryColumnsAreNot() {
        SplittableRandom random = new SplittableRandom(1);
        int n = 500;
        double[] sample = new double[n * 4];
        for (int i = 0; i < n; i++) {
            sample[i * 4] = START + 1e7 * random.nextDouble();
            sample[i * 4 + 1] = TestData.gaussian(random);
            sample[i * 4 + 2] = 170 + 10 * TestData.gaussian(random);
            sample[i * 4 + 3] = 12345;
        }
        double[] shift = FeatureShift.choose(sample, n, 4);
        assertNotNull(shift);
        double step = Math.scalb(1.0, Math.getExponent(1e7 / Math.sqrt(12)));
        assertEquals(0, shift[0] % step, "a multiple of the power of two below the deviation");
        assertEquals(START + 5e6, shift[0], 1e6);
        assertEquals(0, shift[1], "a standard normal column stays");
        assertEquals(0, shift[2], "17 deviations from zero is within float32's comfort");
        assertEquals(12345, shift[3], "a column constant in the sample is moved to zero");
        assertNull(FeatureShift.choose(new double[] {1, 2, 3, 4}, 2, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu"})
    void timestampsReadFromCsvFitAsTheClosedFormInDouble(String backend) throws IOException {
        double[][] rows = rows(ROWS, START, 2);
        Dataset data = read(csv("train.csv", rows));
        assertTrue(data.isShifted());
        double[] ols = leastSquares(rows);
        double best = r2(rows, exact(rows, ols));

        FitResult fit = Fitter.of(ModelKind.LINEAR).backend(backend).fit(data);
        assertEquals(FitStatus.CONVERGED, fit.status(), fit.reason());
        LinearModel model = fit.model();
        double r2 = r2(rows, model.predict(data));
        assertTrue(r2 >= best - R2_TOLERANCE, "R^2 " + r2 + " against the closed form's " + best);
        assertEquals(ols[0], model.weights()[0][0], WEIGHT_TOLERANCE * Math.abs(ols[0]));
        assertEquals(ols[1], model.weights()[0][1], WEIGHT_TOLERANCE * Math.abs(ols[1]));
        assertEquals(ols[2], model.intercepts()[0], WEIGHT_TOLERANCE * Math.abs(ols[2]));

        // the same rows rounded to float32 as they are: the timestamps keep 16 values of 2,000
        FitResult rounded = Fitter.of(ModelKind.LINEAR).backend(backend).fit(data.unshifted());
        double roundedR2 = r2(rows, rounded.model().predict(data.unshifted()));
        assertTrue(roundedR2 < best - 1e-3, "float32 timestamps alone give R^2 " + roundedR2 + ", the closed form " + best);
    }

    @Test
    void predictionsOnOtherlyShiftedRowsAreTheModelsInDouble() throws IOException {
        double[][] train = rows(ROWS, START, 3);
        LinearModel model = Fitter.of(ModelKind.LINEAR).fit(read(csv("train.csv", train))).model();
        double[][] later = rows(500, START + 86_400, 4);
        Dataset laterData = read(csv("later.csv", later));
        assertTrue(laterData.isShifted());
        assertFalse(java.util.Arrays.equals(laterData.featureShift(), read(csv("again.csv", train)).featureShift()));
        double[] predicted = model.predict(laterData);
        double[] inDouble = exact(later, new double[] {model.weights()[0][0], model.weights()[0][1], model.intercepts()[0]});
        for (int i = 0; i < later.length; i++) {
            assertEquals(inDouble[i], predicted[i], SAME_TOLERANCE * Math.abs(inDouble[i]), "row " + i);
        }
        // the Java API's double rows are shifted the same way
        double[][] x = new double[later.length][];
        for (int i = 0; i < later.length; i++) {
            x[i] = new double[] {later[i][0], later[i][1]};
        }
        assertTrue(Dataset.of(x, null).isShifted());
        assertArrayEquals(predicted, model.predict(x), 1e-9 * Math.abs(inDouble[0]));
    }

    @Test
    void standardizationLearnsTheMeanInOriginalUnitsAndRemovesTheShift() throws IOException {
        double[][] rows = rows(ROWS, START, 5);
        Dataset data = read(csv("train.csv", rows));
        Standardization standardization = Standardization.learn(data);
        double mean = 0;
        for (double[] row : rows) {
            mean += row[0] / rows.length;
        }
        assertEquals(mean, standardization.mean()[0], 1e-6);
        Dataset standardized = standardization.applyInPlace(data);
        assertFalse(standardized.isShifted());
        for (int i = 0; i < rows.length; i++) {
            double expected = (rows[i][0] - standardization.mean()[0]) / standardization.scale()[0];
            assertEquals(expected, standardized.features()[i * 2], 1e-6, "row " + i);
        }
        LinearModel raw = standardization.foldInto(Fitter.of(ModelKind.LINEAR).fit(standardized).model());
        assertTrue(r2(rows, exact(rows, new double[] {raw.weights()[0][0], raw.weights()[0][1], raw.intercepts()[0]}))
                >= r2(rows, exact(rows, leastSquares(rows))) - R2_TOLERANCE);
    }

    @Test
    void heldOutRowsOfAnotherShiftAreScoredInTheTrainingRowsUnits() throws IOException {
        double[][] rows = rows(ROWS, START, 6);
        Dataset data = read(csv("train.csv", rows));
        // the training rows themselves, held shifted by 4,096 s more: their loss must track the training objective (l2 = 0)
        double[] other = data.featureShift();
        other[0] += 4096;
        FitResult fit = Fitter.of(ModelKind.LINEAR).validation(data.shiftedTo(other)).fit(data);
        double[] heldOut = fit.heldOutLoss();
        assertTrue(heldOut.length > 2);
        double[] predicted = fit.model().predict(data);
        double lossAtEnd = 0;
        for (int i = 0; i < rows.length; i++) {
            lossAtEnd += ModelKind.LINEAR.loss().value(predicted[i], rows[i][2], 0) / rows.length;
        }
        double bestHeldOut = java.util.Arrays.stream(heldOut).min().orElseThrow();
        assertEquals(lossAtEnd, bestHeldOut, 1e-4 * lossAtEnd);
    }

    @Test
    void aStartingModelInOriginalUnitsStartsAtItsOptimum() throws IOException {
        Dataset data = read(csv("train.csv", rows(ROWS, START, 7)));
        LinearModel first = Fitter.of(ModelKind.LINEAR).fit(data).model();
        FitResult again = Fitter.of(ModelKind.LINEAR).initialModel(first).fit(data);
        assertTrue(again.steps() <= 2, "a start at the optimum took " + again.steps() + " iterations");
        assertEquals(first.intercepts()[0], again.model().intercepts()[0], WEIGHT_TOLERANCE * Math.abs(first.intercepts()[0]));
    }

    @Test
    void aFitWithoutAnInterceptTakesTheRowsAsTheyAre() throws IOException {
        Dataset data = read(csv("train.csv", rows(ROWS, START, 8)));
        LinearModel shifted = Fitter.of(ModelKind.LINEAR).intercept(false).fit(data).model();
        LinearModel plain = Fitter.of(ModelKind.LINEAR).intercept(false).fit(data.unshifted()).model();
        assertArrayEquals(plain.weights()[0], shifted.weights()[0], 0);
        assertEquals(0, shifted.intercepts()[0]);
    }

    /**
     * Integers near 2^20 are exact in float32 shifted or not, so the shared passes of paths, cross-validation and
     * one-vs-rest must give what the same fits give on the rows held as they are.
     */
    @Test
    void pathsCrossValidationAndOneVsRestGiveModelsInOriginalUnits() {
        SplittableRandom random = new SplittableRandom(9);
        int n = 1500;
        double[][] x = new double[n][];
        double[] y = new double[n];
        double[] classes = new double[n];
        for (int i = 0; i < n; i++) {
            double t = (1 << 20) + random.nextInt(2000);
            double u = TestData.gaussian(random);
            x[i] = new double[] {t, u};
            double z = 0.004 * (t - (1 << 20) - 1000) + u;
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            double noisy = z + TestData.gaussian(random);
            classes[i] = noisy < -1 ? 0 : noisy < 1 ? 1 : 2;
        }
        Dataset shifted = Dataset.of(x, y);
        assertTrue(shifted.isShifted());
        Dataset plain = shifted.unshifted();

        // the reference backend's double sums on the rows as they are, against the shifted rows on both backends
        Fitter reference = converged(Fitter.of(ModelKind.LOGISTIC).backend("reference"));
        List<FitResult> expectedPath = reference.path(plain, 1e-4, 1e-2);
        CrossValidation expectedValidation = reference.crossValidate(plain, 3, 1e-4, 1e-2);
        Dataset three = Dataset.of(x, classes);
        FitResult expectedOneVsRest = reference.oneVsRest(three.unshifted());
        for (String backend : new String[] {"reference", "cpu"}) {
            Fitter logistic = converged(Fitter.of(ModelKind.LOGISTIC).backend(backend));
            List<FitResult> path = logistic.path(shifted, 1e-4, 1e-2);
            for (int v = 0; v < path.size(); v++) {
                assertClose(expectedPath.get(v), path.get(v), shifted.featureShift());
            }
            CrossValidation validated = logistic.crossValidate(shifted, 3, 1e-4, 1e-2);
            assertTrue(validated.sharedPasses());
            for (int v = 0; v < 2; v++) {
                assertEquals(expectedValidation.meanHeldOutLoss()[v], validated.meanHeldOutLoss()[v],
                        HELD_OUT_TOLERANCE * expectedValidation.meanHeldOutLoss()[v], backend);
            }
            assertClose(expectedOneVsRest, logistic.oneVsRest(three), three.featureShift());
        }
    }

    /** Stopped far enough from the optimum that the models' differences are the rows', not the stopping rules'. */
    private static Fitter converged(Fitter fitter) {
        return fitter.tolerance(1e-13).gradientTolerance(1e-10);
    }

    /**
     * The objectives within {@link #OBJECTIVE_TOLERANCE}; the weights within {@link #SHARED_WEIGHT_TOLERANCE}, what the
     * cpu backend's float32 sums leave in the flattest direction when they stop within rounding of the optimum.
     * The intercepts are compared at the rows' shift, where they are of the outputs' size (in original units they
     * are b - w . shift, and the weights' differences times the shift).
     */
    private static void assertClose(FitResult expectedFit, FitResult actualFit, double[] shift) {
        assertEquals(expectedFit.objective(), actualFit.objective(), OBJECTIVE_TOLERANCE * expectedFit.objective());
        LinearModel expected = FeatureShift.toStored(expectedFit.model(), shift);
        LinearModel actual = FeatureShift.toStored(actualFit.model(), shift);
        for (int c = 0; c < expected.weights().length; c++) {
            for (int j = 0; j < expected.features(); j++) {
                assertEquals(expected.weights()[c][j], actual.weights()[c][j],
                        SHARED_WEIGHT_TOLERANCE * norm(expected.weights()[c]));
            }
            assertEquals(expected.intercepts()[c], actual.intercepts()[c],
                    SHARED_WEIGHT_TOLERANCE * (1 + Math.abs(expected.intercepts()[c])));
        }
    }

    private static double norm(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    @Test
    void float64NpyFeaturesAreShiftedToo() throws IOException {
        double[][] rows = rows(300, START, 10);
        String dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (300, 2), }";
        int header = (10 + dictionary.length() + 1 + 63) / 64 * 64 - 10;
        ByteBuffer out = ByteBuffer.allocate(10 + header + 8 * 600).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header);
        out.put((dictionary + " ".repeat(header - dictionary.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        for (double[] row : rows) {
            out.putDouble(row[0]).putDouble(row[1]);
        }
        Path file = Files.write(folder.resolve("x.npy"), out.array());
        Dataset data = DataFile.read(file, DataFile.Format.NPY, DataFile.Request.forPredict(null, null, null)).data();
        assertTrue(data.isShifted());
        double[] shift = data.featureShift();
        for (int i = 0; i < rows.length; i++) {
            assertEquals(rows[i][0], data.features()[i * 2] + shift[0], 0, "row " + i + " is exact after the shift");
        }
    }

    @Test
    void theCommandLineFitsAndPredictsTimestampsAsInDouble() throws IOException {
        double[][] rows = rows(ROWS, START, 11);
        Path train = csv("train.csv", rows);
        Path validation = csv("validation.csv", rows(400, START + 3600, 12));
        Path model = folder.resolve("model.json");
        Path predictions = folder.resolve("predictions.csv");
        for (String[] options : new String[][] {{}, {"--standardize"}, {"--validation", validation.toString()}}) {
            String[] fit = concat(new String[] {"fit", "--model", "linear", "--train", train.toString(), "--label", "y",
                    "--out", model.toString(), "--quiet"}, options);
            assertEquals(0, run(fit), String.join(" ", options));
            LinearModel saved = ModelFile.read(model).model();
            double best = r2(rows, exact(rows, leastSquares(rows)));
            double r2 = r2(rows, exact(rows, new double[] {saved.weights()[0][0], saved.weights()[0][1],
                    saved.intercepts()[0]}));
            assertTrue(r2 >= best - R2_TOLERANCE, String.join(" ", options) + ": R^2 " + r2 + ", closed form " + best);
            assertEquals(0, run(new String[] {"predict", "--model", model.toString(), "--data", train.toString(),
                    "--out", predictions.toString()}));
            List<String> lines = Files.readAllLines(predictions);
            double[] predicted = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                String line = lines.get(i);
                predicted[i] = Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
            }
            assertTrue(r2(rows, predicted) >= best - R2_TOLERANCE, "predict's R^2 " + r2(rows, predicted));
        }
    }

    private static int run(String[] args) {
        StringWriter sink = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(sink, true), new PrintWriter(err, true));
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
