package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.backend.Backends;
import dev.descent.cli.Main;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Float64 storage ({@code --precision double}, {@link Dataset#rowMajor(double[], int, int, float[])}): fits on
 * the cpu and reference backends reach the double-precision closed form where float32 storage cannot, from the
 * API and the command line; the other backends get the rows rounded to float32 and say so; readers, predictions,
 * standardization, held-out rows and paths take it.
 */
class Float64FitTest {
    private static final int ROWS = 3000;
    private static final int FEATURES = 4;
    /** Float64 fits to the closed-form least-squares weights: relative, against the weights' norm. */
    private static final double FLOAT64_WEIGHTS = 1e-9;
    /**
     * Float32 storage of the same rows misses by more than this (the test would not tell the two apart otherwise).
     * Measured: float64 2.3e-11 (reference) and 3.6e-14 (cpu), float32 2.7e-8 and 5.6e-7.
     */
    private static final double FLOAT32_MISS = 1e-8;

    @TempDir
    Path folder;

    /** Rows of four features with 1e-8-scale detail on offsets of 10, and y linear in them plus noise: {x..., y}. */
    private static double[][] rows(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] rows = new double[count][];
        for (int i = 0; i < count; i++) {
            double[] row = new double[FEATURES + 1];
            double y = 0.5;
            for (int j = 0; j < FEATURES; j++) {
                row[j] = 10 * (j + 1) + TestData.gaussian(random) + 1e-8 * random.nextDouble();
                y += (j + 1) * row[j];
            }
            row[FEATURES] = y + 0.01 * TestData.gaussian(random);
            rows[i] = row;
        }
        return rows;
    }

    private static Dataset float64(double[][] rows) {
        double[] x = new double[rows.length * FEATURES];
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, x, i * FEATURES, FEATURES);
            y[i] = (float) rows[i][FEATURES];
        }
        return Dataset.rowMajor(x, rows.length, FEATURES, y);
    }

    /** The least-squares weights then the intercept, in double, for the labels as float32 holds them. */
    private static double[] leastSquares(double[][] rows) {
        int d = FEATURES;
        double[] mean = new double[d + 1];
        for (double[] row : rows) {
            for (int j = 0; j <= d; j++) {
                mean[j] += (j == d ? (float) row[j] : row[j]) / rows.length;
            }
        }
        double[][] system = new double[d][d + 1];
        for (double[] row : rows) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b <= d; b++) {
                    double value = b == d ? (float) row[b] : row[b];
                    system[a][b] += (row[a] - mean[a]) * (value - mean[b]);
                }
            }
        }
        double[] w = LinearSystems.solve(system);
        double[] all = java.util.Arrays.copyOf(w, d + 1);
        all[d] = mean[d];
        for (int j = 0; j < d; j++) {
            all[d] -= w[j] * mean[j];
        }
        return all;
    }

    private static Fitter tight(String backend) {
        return Fitter.of(ModelKind.LINEAR).backend(backend).tolerance(1e-15).gradientTolerance(1e-13).maxEpochs(500);
    }

    private static double weightError(LinearModel model, double[] expected) {
        double error = 0;
        double norm = 0;
        for (int j = 0; j < FEATURES; j++) {
            error = Math.max(error, Math.abs(model.weights()[0][j] - expected[j]));
            norm += expected[j] * expected[j];
        }
        return error / Math.sqrt(norm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu"})
    void float64RowsReachTheClosedFormWhereFloat32CannotReach(String backend) {
        double[][] rows = rows(ROWS, 1);
        Dataset data = float64(rows);
        double[] expected = leastSquares(rows);
        FitResult fit = tight(backend).fit(data);
        double error = weightError(fit.model(), expected);
        assertTrue(error < FLOAT64_WEIGHTS, backend + ": float64 weights " + error + " from the closed form; " + fit.reason());
        assertEquals(expected[FEATURES], fit.model().intercepts()[0], 1e-7 * Math.abs(expected[FEATURES]));

        FitResult rounded = tight(backend).fit(data.toFloat32());
        double roundedError = weightError(rounded.model(), expected);
        assertTrue(roundedError > FLOAT32_MISS, backend + ": float32 weights only " + roundedError + " from it");
    }

    @Test
    void autoChoosesABackendThatTakesFloat64AndOthersGetFloat32() {
        Dataset data = float64(rows(500, 2));
        FitResult auto = Fitter.of(ModelKind.LINEAR).fit(data);
        assertTrue(auto.device().contains("float64"), auto.device());
        Assumptions.assumeTrue(Backends.all().stream().anyMatch(p -> p.name().equals("opencl") && p.availability().available()),
                "no OpenCL device here");
        FitResult opencl = Fitter.of(ModelKind.LINEAR).backend("opencl").fit(data);
        assertTrue(opencl.backendChoice().contains("rounded to float32"), opencl.backendChoice());
        assertEquals(auto.model().weights()[0][0], opencl.model().weights()[0][0], 1e-4 * Math.abs(auto.model().weights()[0][0]));
        // given float64 rows directly, a float32 backend says what to do
        var problem = new dev.descent.optim.Problem(ModelKind.LINEAR, 1, FEATURES, true, 0, 0,
                dev.descent.optim.Optimizer.of(dev.descent.optim.OptimizerKind.GD));
        try (var backend = Backends.open("opencl").backend()) {
            InvalidInputException refused = assertThrows(InvalidInputException.class, () -> backend.upload(data, problem));
            assertTrue(refused.getMessage().contains("toFloat32()"), refused.getMessage());
        }
    }

    @Test
    void theDataSetHoldsFloat64AndSaysHowToReadIt() {
        Dataset data = float64(rows(10, 3));
        assertTrue(data.isFloat64());
        assertEquals(8L * 10 * FEATURES, data.featureBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, data::features);
        assertTrue(e.getMessage().contains("float64Features()"), e.getMessage());
        Dataset some = data.select(new int[] {3, 1});
        assertTrue(some.isFloat64());
        assertEquals(data.float64Features()[3 * FEATURES + 2], some.float64Features()[2], 0);
        assertFalse(data.toFloat32().isFloat64());
        assertEquals((float) data.float64Features()[5], data.toFloat32().features()[5], 0, "columns at 10 to 40, one apart: rounded as they are");
        assertThrows(InvalidInputException.class, () -> Dataset.rowMajor(new double[] {1, Double.NaN}, 1, 2, null));
    }

    @Test
    void predictionsStandardizationHeldOutRowsAndPathsTakeFloat64() {
        double[][] rows = rows(ROWS, 4);
        Dataset data = float64(rows);
        LinearModel model = tight("cpu").fit(data).model();
        double[] predicted = model.predict(data);
        for (int i = 0; i < 5; i++) {
            double exact = model.intercepts()[0];
            for (int j = 0; j < FEATURES; j++) {
                exact += model.weights()[0][j] * rows[i][j];
            }
            assertEquals(exact, predicted[i], 1e-12 * Math.abs(exact));
        }
        Standardization standardization = Standardization.learn(data);
        double mean = 0;
        for (double[] row : rows) {
            mean += row[0] / rows.length;
        }
        assertEquals(mean, standardization.mean()[0], 1e-12 * mean);
        Dataset standardized = standardization.applyInPlace(float64(rows));
        assertTrue(standardized.isFloat64());
        assertEquals((rows[0][0] - standardization.mean()[0]) / standardization.scale()[0],
                standardized.float64Features()[0], 1e-14);

        FitResult held = Fitter.of(ModelKind.LINEAR).backend("cpu").validation(float64(rows(400, 5))).fit(data);
        assertTrue(held.heldOutLoss().length > 0);
        assertTrue(java.util.Arrays.stream(held.heldOutLoss()).min().orElseThrow() < 2e-4, "the held-out loss is the noise's");

        // the cpu backend's shared passes take float32 rows: float64 paths run one fit after the other there
        List<FitResult> path = tight("cpu").path(data, 1e-6, 1e-2);
        List<FitResult> referencePath = tight("reference").path(data, 1e-6, 1e-2);
        assertFalse(path.get(0).backendChoice().contains("fitted together"), path.get(0).backendChoice());
        assertTrue(referencePath.get(0).backendChoice().contains("fitted together"), referencePath.get(0).backendChoice());
        for (int v = 0; v < 2; v++) {
            assertArrayEquals(referencePath.get(v).model().weights()[0], path.get(v).model().weights()[0], 1e-6);
        }
    }

    private Path csv(String name, double[][] rows) throws IOException {
        StringBuilder text = new StringBuilder("a,b,c,d,y\n");
        for (double[] row : rows) {
            for (int j = 0; j <= FEATURES; j++) {
                text.append(String.format(Locale.ROOT, j == FEATURES ? "%.9g%n" : "%.17g,", row[j]));
            }
        }
        return Files.writeString(folder.resolve(name), text);
    }

    @Test
    void theCommandLineFitsAndPredictsInFloat64() throws IOException {
        double[][] rows = rows(ROWS, 6);
        Path train = csv("train.csv", rows);
        Path model = folder.resolve("model.json");
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"fit", "--model", "linear", "--train", train.toString(), "--label", "y",
                "--precision", "double", "--tol", "1e-15", "--out", model.toString()}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("float64: X in"), out.toString());
        // the file read in float64 and fitted through the API with the same settings: the same model, bit for bit
        Dataset read = DataFile.read(train, DataFile.Format.CSV, DataFile.Request.forFit("y", null, null).withFloat64(true))
                .data();
        assertTrue(read.isFloat64());
        LinearModel api = Fitter.of(ModelKind.LINEAR).tolerance(1e-15).fit(read).model();
        assertArrayEquals(api.weights()[0], ModelFile.read(model).model().weights()[0], 0);

        Path predictions = folder.resolve("predictions.csv");
        assertEquals(0, Main.run(new String[] {"predict", "--model", model.toString(), "--data", train.toString(),
                "--precision", "double", "--out", predictions.toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true)));
        assertEquals(ROWS, Files.readAllLines(predictions).size());

        // LIBSVM stays float32: one warning line says so, and the fit goes on
        Path svm = folder.resolve("train.svm");
        Files.writeString(svm, "1 1:0.5 3:2\n0 2:1.5\n1 1:1 2:1 3:1\n");
        StringWriter warned = new StringWriter();
        assertEquals(0, Main.run(new String[] {"fit", "--model", "linear", "--train", svm.toString(), "--precision", "double",
                "--out", folder.resolve("svm.json").toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(warned, true)));
        assertTrue(warned.toString().contains("descent: warning: --precision double holds dense CSV and .npy features in "
                + "float64; these features stay float32"), warned.toString());

        StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new String[] {"fit", "--model", "linear", "--train", train.toString(), "--label", "y",
                "--precision", "triple", "--out", model.toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--precision takes single or double"), err.toString());
    }

    @Test
    void float64NpyFilesAreReadAsTheyAre() throws IOException {
        double[][] rows = rows(50, 7);
        String dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (50, 4), }";
        int header = (10 + dictionary.length() + 1 + 63) / 64 * 64 - 10;
        ByteBuffer out = ByteBuffer.allocate(10 + header + 8 * 50 * FEATURES).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header);
        out.put((dictionary + " ".repeat(header - dictionary.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        for (double[] row : rows) {
            for (int j = 0; j < FEATURES; j++) {
                out.putDouble(row[j]);
            }
        }
        Path file = Files.write(folder.resolve("x.npy"), out.array());
        DataFile.Request request = DataFile.Request.forPredict(null, null, null).withFloat64(true);
        Dataset data = DataFile.read(file, DataFile.Format.NPY, request).data();
        assertTrue(data.isFloat64());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < FEATURES; j++) {
                assertEquals(rows[i][j], data.float64Features()[i * FEATURES + j], 0);
            }
        }
    }
}
