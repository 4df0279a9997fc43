package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import dev.descent.io.AtomicFiles;
import dev.descent.io.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** descent fit, predict and devices end to end, through Main.run, on files written to a temporary folder. */
class CliTest {
    @TempDir
    Path folder;

    private Path train;

    /** The outcome of one command line. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** The "passes over the data N" of a fit's summary. */
    static int passes(Run fit) {
        java.util.regex.Matcher passes = java.util.regex.Pattern.compile("passes over the data (\\d+)").matcher(fit.out());
        assertTrue(passes.find(), fit.out());
        return Integer.parseInt(passes.group(1));
    }

    static Path resource(String name) {
        return TestData.dataFile(name);
    }

    /** Writes a CSV of a TestData set: columns f0..f{d-1}, then "target". */
    static Path writeCsv(Path file, Dataset data) throws IOException {
        StringBuilder text = new StringBuilder();
        int d = data.columns();
        for (int j = 0; j < d; j++) {
            text.append("f").append(j).append(',');
        }
        text.append("target\n");
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                text.append(data.features()[i * d + j]).append(',');
            }
            text.append(data.labels()[i]).append('\n');
        }
        Files.writeString(file, text);
        return file;
    }

    @BeforeEach
    void writeTrainingData() throws IOException {
        train = writeCsv(folder.resolve("train.csv"), TestData.random(ModelKind.LOGISTIC, 400, 5, 0, 3));
    }

    /** --init starts from an earlier model: from its optimum the refit takes fewer passes; a mismatch is one line, exit 2. */
    @Test
    void initStartsFromAnEarlierModel() {
        Path first = folder.resolve("first.json");
        Path second = folder.resolve("second.json");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--l2", "0.01",
                "--out", first.toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("time: load") && fit.out().contains(", upload ") && fit.out().contains(", write "),
                "the summary's times: " + fit.out());
        Run warm = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--l2", "0.01",
                "--init", first.toString(), "--out", second.toString());
        assertEquals(0, warm.code(), warm.err());
        assertTrue(passes(warm) < passes(fit), "from the optimum: " + warm.out() + " against " + fit.out());
        Run mismatch = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--standardize",
                "--init", first.toString(), "--out", second.toString());
        assertEquals(2, mismatch.code(), mismatch.out());
        assertTrue(mismatch.err().contains("--standardize") && mismatch.err().strip().lines().count() == 1, mismatch.err());
    }

    @Test
    @Tag("desktop") // draws a PNG: needs java.desktop, which the GPU bundle's runtime leaves out
    void fitThenPredictRoundTripsToIdenticalPredictions() throws IOException {
        Path model = folder.resolve("model.json");
        Path plot = folder.resolve("objective.png");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--l2", "0.01",
                "--out", model.toString(), "--plot", plot.toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("CONVERGED") && fit.out().contains("training accuracy") && fit.out().contains("median pass")
                        && fit.out().contains("solver lbfgs"),
                fit.out());
        byte[] png = Files.readAllBytes(plot);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG file");

        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4"), saved.features());
        assertEquals("target", saved.label());
        assertEquals("CONVERGED", saved.fit().status());

        // the same fit through the API gives the same weights, and predictions from the file equal the API's
        DataFile.Table table = DataFile.read(train, DataFile.Format.CSV, DataFile.Request.forFit("target", null, null));
        FitResult api = Fitter.of(ModelKind.LOGISTIC).l2(0.01).fit(table.data());
        assertArrayEquals(api.model().weights()[0], saved.model().weights()[0], 0.0);
        Path predictions = folder.resolve("predictions.csv");
        Run predict = run("predict", "--model", model.toString(), "--data", train.toString(), "--out", predictions.toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().startsWith("accuracy "), predict.out());
        List<String> lines = Files.readAllLines(predictions);
        double[] expected = api.model().predict(table.data());
        assertEquals(expected.length, lines.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(PredictCommand.format(expected[i]), lines.get(i), "row " + i);
        }

        Run proba = run("predict", "--model", model.toString(), "--data", train.toString(), "--proba");
        assertEquals(0, proba.code(), proba.err());
        String first = proba.out().lines().findFirst().orElseThrow();
        double sum = Stream.of(first.split(",")).mapToDouble(Double::parseDouble).sum();
        assertEquals(1.0, sum, 1e-12, first);
        assertTrue(proba.err().startsWith("accuracy"), "metric to stderr when predictions go to stdout: " + proba.err());
    }

    @Test
    void standardizeStoresTheScalingAndPredictAppliesIt() throws IOException {
        Path model = folder.resolve("model.json");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--standardize",
                "--out", model.toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("standardized scale"), fit.out());
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertTrue(saved.standardization() != null);
        Run plain = run("predict", "--model", model.toString(), "--data", train.toString());
        assertEquals(0, plain.code());
        assertTrue(plain.err().startsWith("accuracy 0.") && !plain.err().startsWith("accuracy 0.5"), plain.err());
        assertTrue(plain.err().contains(", F1 0.") && plain.err().contains(", ROC AUC 0.")
                && plain.err().contains("confusion matrix (rows: true class, columns: predicted)"), plain.err());
        assertTrue(fit.out().contains("ROC AUC") && fit.out().contains("log-loss") && fit.out().contains("confusion matrix"),
                fit.out());
    }

    /**
     * A standardized model read back in Java predicts from raw features as CLI predict does: the
     * stored weights apply to standardized features, and ModelFile.SavedModel.model() folds the
     * standardization in (it once returned the stored weights, and scored 0.787 instead of 0.971).
     */
    @Test
    void javaAndCliPredictAgreeOnAStandardizedModel() throws IOException {
        Dataset plain = TestData.random(ModelKind.LOGISTIC, 400, 5, 2, 23);
        float[] x = plain.features().clone();
        for (int i = 0; i < x.length; i++) {
            int j = i % 5;
            x[i] = x[i] * 10 * (j + 1) + 100 * j;
        }
        Dataset raw = Dataset.rowMajor(x, 400, 5, plain.labels().clone());
        Path csv = writeCsv(folder.resolve("offset.csv"), raw);
        Path model = folder.resolve("standardized.json");
        Run fit = run("fit", "--train", csv.toString(), "--label", "target", "--model", "logistic", "--standardize",
                "--out", model.toString());
        assertEquals(0, fit.code(), fit.err());
        Path predictions = folder.resolve("proba.csv");
        Run predict = run("predict", "--model", model.toString(), "--data", csv.toString(), "--proba",
                "--out", predictions.toString());
        assertEquals(0, predict.code(), predict.err());
        ModelFile.SavedModel saved = ModelFile.read(model);
        Dataset read = DataFile.read(csv, DataFile.Format.CSV, DataFile.Request.forFit("target", null, null)).data();
        double[][] java = saved.model().predictProba(read);
        List<String> lines = Files.readAllLines(predictions);
        for (int i = 0; i < read.rows(); i++) {
            String[] cli = lines.get(i).split(",");
            for (int c = 0; c < cli.length; c++) {
                assertEquals(Double.parseDouble(cli[c]), java[i][c], 0.0, "row " + i + ", class " + c);
            }
        }
        double score = saved.model().score(read);
        String report = predict.out() + predict.err();
        assertTrue(report.contains(String.format(Locale.ROOT, "accuracy %.6f", score)), report + " vs " + score);
        Dataset standardized = saved.standardization().applyInPlace(
                Dataset.rowMajor(read.features().clone(), read.rows(), read.columns(), read.labels()));
        assertEquals(saved.fitted().score(standardized), score, 0.01, "the stored model on standardized features");
        assertTrue(score > saved.fitted().score(read) + 0.1,
                "model() on raw features against the stored weights misapplied to them: " + score);
    }

    @Test
    void aFitStoppedByItsLimitExitsZeroWithAWarningAndStillWritesTheModel() {
        Path model = folder.resolve("model.json");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--max-epochs", "2",
                "--out", model.toString());
        assertEquals(0, fit.code(), fit.err());
        assertEquals("MAX_EPOCHS", ModelFile.read(model).fit().status());
        String warning = fit.err().lines().filter(line -> line.startsWith("descent: warning:")).findFirst().orElse("");
        assertTrue(warning.contains("before converging") && warning.contains("relative in the last iteration")
                && warning.contains("--max-epochs (now 2"), "one line that says how far and what to change: " + fit.err());
        assertEquals(1, fit.err().lines().filter(line -> line.startsWith("descent: warning:")).count(), fit.err());
    }

    @Test
    void aCsvWithoutAHeaderIsRefusedOrFittedAndPredictedWithNoHeader() throws IOException {
        Path csv = folder.resolve("bare.csv");
        String text = Files.readString(train);
        Files.writeString(csv, text.substring(text.indexOf('\n') + 1));
        Path model = folder.resolve("bare.json");
        Run refused = run("fit", "--train", csv.toString(), "--model", "logistic", "--out", model.toString());
        assertEquals(Main.EXIT_BAD_INPUT, refused.code());
        assertTrue(refused.err().contains("bare.csv:1") && refused.err().contains("--no-header"), refused.err());
        Run fit = run("fit", "--train", csv.toString(), "--model", "logistic", "--no-header", "--out", model.toString());
        assertEquals(0, fit.code(), fit.err());
        assertEquals("column6", ModelFile.read(model).label());
        Run predict = run("predict", "--model", model.toString(), "--data", csv.toString(), "--no-header");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(Files.readAllLines(csv).size(), predict.out().lines().count(), "one prediction per row, the first too");
    }

    /** A bad --out or --plot fails at once, before the data is read (here the data does not even exist). */
    @Test
    void outputsAreCheckedBeforeTheData() throws IOException {
        Path file = Files.writeString(folder.resolve("a-file"), "x");
        String missing = folder.resolve("missing.csv").toString();
        for (String[] output : new String[][] {{"--out", folder.toString()}, {"--out", file.resolve("m.json").toString()},
            {"--plot", file.resolve("p.png").toString()}}) {
            List<String> args = new java.util.ArrayList<>(List.of("fit", "--train", missing, "--model", "linear"));
            if (output[0].equals("--plot")) {
                args.addAll(List.of("--out", folder.resolve("m.json").toString()));
            }
            args.addAll(List.of(output));
            Run fit = run(args.toArray(new String[0]));
            assertEquals(Main.EXIT_BAD_INPUT, fit.code());
            assertTrue(fit.err().startsWith("descent: " + output[0] + " ") || fit.err().contains(output[0] + " " + output[1]),
                    output[0] + ": " + fit.err());
            assertFalse(fit.err().contains("missing.csv"), "the output is named before the data is read: " + fit.err());
        }
        Run predict = run("predict", "--model", missing, "--data", missing, "--out", folder.toString());
        assertEquals(Main.EXIT_BAD_INPUT, predict.code());
        assertTrue(predict.err().contains("--out") && predict.err().contains("is a directory"), predict.err());
    }

    @Test
    void quietPrintsNothingButWarnings() {
        Run quiet = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--quiet",
                "--out", folder.resolve("quiet.json").toString());
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.out());
        assertTrue(ModelFile.read(folder.resolve("quiet.json")).fit().status().equals("CONVERGED"));
        Run limited = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--quiet",
                "--max-epochs", "2", "--out", folder.resolve("quiet.json").toString());
        assertEquals("", limited.out());
        assertTrue(limited.err().contains("descent: warning:"), "warnings still reach stderr: " + limited.err());
    }

    @Test
    void classWeightsFromTheCommandLine() {
        Run balanced = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic",
                "--class-weight", "balanced", "--out", folder.resolve("balanced.json").toString());
        assertEquals(0, balanced.code(), balanced.err());
        Run explicit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic",
                "--class-weight", "0=1, 1=3", "--out", folder.resolve("explicit.json").toString());
        assertEquals(0, explicit.code(), explicit.err());
        Run bad = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic",
                "--class-weight", "1:3", "--out", folder.resolve("bad.json").toString());
        assertEquals(Main.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--class-weight expects balanced or CLASS=WEIGHT"), bad.err());
    }

    @Test
    void threadsCapsTheCpuBackend() {
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--backend", "cpu",
                "--threads", "1", "--out", folder.resolve("model.json").toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("backend cpu (1 thread,"), fit.out());
        Run negative = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic",
                "--threads", "-2", "--out", folder.resolve("model.json").toString());
        assertEquals(Main.EXIT_BAD_INPUT, negative.code());
        assertTrue(negative.err().contains("threads must be 0"), negative.err());
    }

    @Test
    void strictMakesAFitStoppedByItsLimitExitOne() {
        Path model = folder.resolve("model.json");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--max-epochs", "2",
                "--strict", "--out", model.toString());
        assertEquals(Main.EXIT_NOT_CONVERGED, fit.code(), fit.err());
        assertEquals("MAX_EPOCHS", ModelFile.read(model).fit().status());
        Run converged = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--strict",
                "--out", model.toString());
        assertEquals(0, converged.code(), converged.err());
        assertTrue(converged.err().lines().noneMatch(line -> line.startsWith("descent: warning:")), converged.err());
    }

    @Test
    void aFirstOrderFitAtItsLimitIsToldAboutTheQuasiNewtonSolver() {
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--max-epochs", "3",
                "--optimizer", "gd", "--out", folder.resolve("model.json").toString());
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.err().contains("in the last epoch") && fit.err().contains("--solver lbfgs"), fit.err());
    }

    @Test
    void aDivergedFitExitsOne() {
        Path model = folder.resolve("model.json");
        Run fit = run("fit", "--train", train.toString(), "--label", "target", "--model", "linear", "--lr", "1e6",
                "--out", model.toString());
        assertEquals(Main.EXIT_NOT_CONVERGED, fit.code(), fit.err() + fit.out());
        assertEquals("DIVERGED", ModelFile.read(model).fit().status());
    }

    @Test
    void otherFormatsFitFromTheShell() throws IOException {
        Run npy = run("fit", "--train", resource("x_f8.npy").toString(), "--labels", resource("y_i8.npy").toString(),
                "--model", "logistic", "--l2", "0.1", "--out", folder.resolve("a.json").toString());
        assertEquals(0, npy.code(), npy.err() + npy.out());
        Run npz = run("fit", "--train", resource("x_csr.npz").toString(), "--labels", resource("y_i8.npy").toString(),
                "--model", "logistic", "--l2", "0.1", "--out", folder.resolve("c.json").toString());
        assertEquals(0, npz.code(), npz.err() + npz.out());
        assertTrue(npz.out().contains("3 rows x 5 features, sparse: 4 non-zeros"), npz.out());
        Run npzPredict = run("predict", "--model", folder.resolve("c.json").toString(), "--data",
                resource("x_csr.npz").toString(), "--labels", resource("y_i8.npy").toString());
        assertEquals(0, npzPredict.code(), npzPredict.err());
        assertEquals(3, npzPredict.out().lines().count());
        Run svm = run("fit", "--train", resource("small.svm").toString(), "--model", "linear", "--l2", "0.1",
                "--out", folder.resolve("b.json").toString());
        assertEquals(0, svm.code(), svm.err() + svm.out());
        Run predict = run("predict", "--model", folder.resolve("b.json").toString(), "--data", resource("small.svm").toString());
        assertEquals(3, predict.out().lines().count());
        assertTrue(predict.err().startsWith("R^2"), predict.err());
        // a LIBSVM file narrower than the model: its missing features are zeros, and predict says so
        Path narrow = folder.resolve("narrow.svm");
        Files.writeString(narrow, "1 1:0.5\n-1 2:1\n");
        Run zeroFilled = run("predict", "--model", folder.resolve("b.json").toString(), "--data", narrow.toString());
        assertEquals(0, zeroFilled.code(), zeroFilled.err());
        assertEquals(2, zeroFilled.out().lines().count());
        assertTrue(zeroFilled.err().contains("descent: warning:") && zeroFilled.err().contains("largest feature index is 2")
                && zeroFilled.err().contains("features 3..3"), zeroFilled.err());
        assertTrue(predict.err().lines().noneMatch(line -> line.startsWith("descent: warning:")), "a file as wide as the model: " + predict.err());
    }

    /**
     * scikit-learn's dump_svmlight_file writes 0-based indices, LIBSVM's binary sets -1/+1 labels: a sparse
     * file of both fits, its model keeps the base and the classes, and predict reads a file without an
     * index 0 alike.
     */
    @Test
    void zeroBasedSparseFileWithSignedLabelsFitsAndPredicts() throws IOException {
        Path train = folder.resolve("train.svm");
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 400; i++) {
            int a = random.nextInt(50_000);
            int b = 60_000 + random.nextInt(30_000);
            boolean positive = random.nextBoolean();
            // feature 0 in every other row; the label follows feature 1's sign
            text.append(positive ? "+1" : "-1").append(i % 2 == 0 ? " 0:1" : "").append(" 1:").append(positive ? 1 : -1)
                    .append(' ').append(a + 2).append(":1 ").append(b).append(":0.5\n");
        }
        text.append("+1 1:1 99999:1\n");
        Files.writeString(train, text);
        Path model = folder.resolve("sparse.json");
        Run fit = run("fit", "--train", train.toString(), "--model", "logistic", "--l2", "0.01", "--out", model.toString());
        assertEquals(0, fit.code(), fit.err() + fit.out());
        assertTrue(fit.out().contains("401 rows x 100,000 features, sparse: 1,402 non-zeros"), fit.out());
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(0, saved.indexBase());
        assertArrayEquals(new double[] {-1, 1}, saved.fitted().classes());
        assertTrue(saved.fitted().weights()[0][1] > 0, "feature 1 (index 1, 0-based) carries the label");
        Path test = folder.resolve("test.svm");
        // the second row has a feature the model never saw (index 150,000 of a 100,000-feature model)
        Files.writeString(test, "-1 1:-1 7:1\n+1 1:1 150000:2\n");
        Run predict = run("predict", "--model", model.toString(), "--data", test.toString());
        assertEquals(0, predict.code(), predict.err());
        assertEquals(List.of("-1", "1"), predict.out().lines().toList());
        assertTrue(predict.err().startsWith("descent: warning: " + test + ": 1 values in 1 rows are at feature indices"
                + " past the model's 100,000 features (up to index 150,000)"), predict.err());
        assertTrue(predict.err().contains("accuracy 1.000000"), predict.err());
    }

    /** Categorical columns hashed at fit (--hash-features) are hashed alike at predict, from the model file. */
    @Test
    void hashedFeaturesFitAndPredict() throws IOException {
        Path train = folder.resolve("clicks.csv");
        StringBuilder text = new StringBuilder("site,device,hour,clicked\n");
        String[] sites = {"news", "shop", "mail", "maps"};
        for (int i = 0; i < 400; i++) {
            String site = sites[i % 4];
            // shop and maps are clicked, whatever the device and hour
            text.append(site).append(',').append(i % 3 == 0 ? "phone" : "desktop").append(',').append(i % 24)
                    .append(',').append(site.equals("shop") || site.equals("maps") ? 1 : 0).append('\n');
        }
        Files.writeString(train, text);
        Path model = folder.resolve("hashed.json");
        Run fit = run("fit", "--train", train.toString(), "--model", "logistic", "--hash-features", "1024", "--l2", "1e-3",
                "--out", model.toString());
        assertEquals(0, fit.code(), fit.err() + fit.out());
        assertTrue(fit.out().contains("400 rows x 1,024 features, sparse: 1,183 non-zeros"), fit.out());
        assertEquals(1024, ModelFile.read(model).hashBuckets());
        Path test = folder.resolve("new.csv");
        Files.writeString(test, "site,device,hour\nshop,tablet,3\nnews,phone,0\n");
        Run predict = run("predict", "--model", model.toString(), "--data", test.toString());
        assertEquals(0, predict.code(), predict.err());
        assertEquals(List.of("1", "0"), predict.out().lines().toList(), "an unseen device and hour change nothing");
        Run refused = run("fit", "--train", resource("small.svm").toString(), "--model", "linear", "--hash-features", "0",
                "--out", folder.resolve("x.json").toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--hash-features takes a positive count"), refused.err());
    }

    /**
     * One data set written four ways (plain CSV, gzip-compressed, ';'-separated with an id column to drop, and
     * tab-separated and compressed): the same model each time.
     */
    @Test
    void compressedDelimitedAndDroppedColumnsFitTheSameModel() throws IOException {
        StringBuilder plain = new StringBuilder("x1,x2,y\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(8);
        for (int i = 0; i < 200; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            plain.append(a).append(',').append(b).append(',').append(2 * a - b + 0.5).append('\n');
        }
        Path csv = folder.resolve("plain.csv");
        Files.writeString(csv, plain);
        Path gz = folder.resolve("plain.csv.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(plain.toString().getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder semicolons = new StringBuilder();
        int row = 0;
        for (String line : plain.toString().split("\n")) {
            semicolons.append(row++ == 0 ? "id" : "r" + row).append(';').append(line.replace(',', ';')).append('\n');
        }
        Path withId = folder.resolve("with-id.txt");
        Files.writeString(withId, semicolons);
        Path tabs = folder.resolve("tabs.tsv.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tabs))) {
            out.write(plain.toString().replace(',', '\t').getBytes(StandardCharsets.UTF_8));
        }
        String[][] runs = {
            {"--train", csv.toString()},
            {"--train", gz.toString()},
            {"--train", withId.toString(), "--format", "csv", "--delimiter", ";", "--drop", "id"},
            {"--train", tabs.toString(), "--delimiter", "\\t"},
        };
        double[] first = null;
        for (String[] data : runs) {
            Path model = folder.resolve("m" + data.length + data[1].length() + ".json");
            List<String> args = new java.util.ArrayList<>(List.of("fit", "--model", "linear", "--label", "y", "--out",
                    model.toString()));
            args.addAll(List.of(data));
            Run fit = run(args.toArray(new String[0]));
            assertEquals(0, fit.code(), String.join(" ", data) + ": " + fit.err() + fit.out());
            ModelFile.SavedModel saved = ModelFile.read(model);
            assertEquals(List.of("x1", "x2"), saved.features(), String.join(" ", data));
            if (first == null) {
                first = saved.fitted().weights()[0];
            } else {
                assertArrayEquals(first, saved.fitted().weights()[0], 0, String.join(" ", data));
            }
        }
        Run predict = run("predict", "--model", folder.resolve("m" + 2 + csv.toString().length() + ".json").toString(),
                "--data", tabs.toString(), "--delimiter", "tab");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(200, predict.out().lines().count());
        Path npyGz = folder.resolve("x.npy.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(npyGz))) {
            out.write(Files.readAllBytes(resource("x_f4.npy")));
        }
        Run refused = run("fit", "--train", npyGz.toString(), "--labels", resource("y_i8.npy").toString(), "--model", "linear",
                "--out", folder.resolve("n.json").toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("is gzip-compressed") && refused.err().contains("gunzip"), refused.err());
        Run badDrop = run("fit", "--train", csv.toString(), "--drop", "nope", "--model", "linear", "--out",
                folder.resolve("o.json").toString());
        assertEquals(2, badDrop.code());
        assertTrue(badDrop.err().contains("--drop names no column 'nope'"), badDrop.err());
        Run badDelimiter = run("fit", "--train", csv.toString(), "--delimiter", "ab", "--model", "linear", "--out",
                folder.resolve("o.json").toString());
        assertEquals(2, badDelimiter.code());
        assertTrue(badDelimiter.err().contains("--delimiter takes one character"), badDelimiter.err());
    }

    /** Class labels that are names: sorted into the model's classes, stored, printed back by predict, looked up there. */
    @Test
    void namedClassesFitAndPredict() throws IOException {
        StringBuilder animals = new StringBuilder("weight,ears,animal\n");
        StringBuilder answers = new StringBuilder("weight,ears,alive\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(2);
        for (int i = 0; i < 300; i++) {
            String animal = new String[] {"dog", "cat", "bird"}[i % 3];
            double weight = (animal.equals("dog") ? 20 : animal.equals("cat") ? 4 : 0.3) * (0.8 + 0.4 * random.nextDouble());
            double ears = animal.equals("bird") ? 0 : animal.equals("dog") ? 1 : 2;
            animals.append(weight).append(',').append(ears).append(',').append(i % 7 == 0 ? "\"" + animal + "\"" : animal)
                    .append('\n');
            answers.append(weight).append(',').append(ears).append(',').append(animal.equals("bird") ? "no" : "yes").append('\n');
        }
        Path train = folder.resolve("animals.csv");
        Files.writeString(train, animals);
        Path model = folder.resolve("animals.json");
        Run fit = run("fit", "--train", train.toString(), "--model", "softmax", "--standardize", "--out", model.toString());
        assertEquals(0, fit.code(), fit.err() + fit.out());
        assertTrue(fit.out().contains("accuracy 1.000000") && fit.out().contains("bird"), fit.out());
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(List.of("bird", "cat", "dog"), saved.classNames());
        assertArrayEquals(new double[] {0, 1, 2}, saved.fitted().classes());
        Path test = folder.resolve("new.csv");
        Files.writeString(test, "weight,ears,animal\n25,1,dog\n0.2,0,bird\n3.5,2,cat\n");
        Run predict = run("predict", "--model", model.toString(), "--data", test.toString());
        assertEquals(0, predict.code(), predict.err());
        assertEquals(List.of("dog", "bird", "cat"), predict.out().lines().toList());
        assertTrue(predict.err().startsWith("accuracy 1.000000"), predict.err());
        Files.writeString(test, "weight,ears,animal\n25,1,dog\n0.2,0,fish\n");
        Run unknown = run("predict", "--model", model.toString(), "--data", test.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("new.csv:3, column 3 (animal): class 'fish' is not one of the model's classes"
                + " [bird, cat, dog]"), unknown.err());
        Path yesNo = folder.resolve("alive.csv");
        Files.writeString(yesNo, answers);
        Run logistic = run("fit", "--train", yesNo.toString(), "--model", "logistic", "--out", folder.resolve("alive.json").toString());
        assertEquals(0, logistic.code(), logistic.err() + logistic.out());
        assertEquals(List.of("no", "yes"), ModelFile.read(folder.resolve("alive.json")).classNames());
        Run threeForLogistic = run("fit", "--train", train.toString(), "--model", "logistic", "--out", folder.resolve("x.json").toString());
        assertEquals(2, threeForLogistic.code());
        assertTrue(threeForLogistic.err().contains("logistic needs two classes, but the label column 'animal' has 3:"
                + " [bird, cat, dog] (use --model softmax)"), threeForLogistic.err());
        Run linear = run("fit", "--train", train.toString(), "--model", "linear", "--out", folder.resolve("x.json").toString());
        assertEquals(2, linear.code());
        assertTrue(linear.err().contains("holds names such as 'bird', not numbers"), linear.err());
    }

    /** The command list gives each command one whole sentence (picocli shows a description's first element only). */
    @Test
    void helpListsEveryCommandWithAWholeSentence() {
        Run help = run("--help");
        assertEquals(0, help.code(), help.err());
        String commands = help.out().substring(help.out().indexOf("Commands:") + "Commands:".length());
        String[] names = {"fit", "predict", "devices", "bench", "demo"};
        for (int c = 0; c < names.length; c++) {
            int from = commands.indexOf("  " + names[c] + " ");
            int to = c + 1 < names.length ? commands.indexOf("  " + names[c + 1] + " ") : commands.length();
            assertTrue(from >= 0 && to > from, help.out());
            String text = commands.substring(from + names[c].length() + 2, to).strip().replaceAll("\\s+", " ");
            assertTrue(text.endsWith("."), names[c] + ": '" + text + "' is cut off");
        }
    }

    /** `--validation` holds out a fraction of the rows or reads a second file (string classes mapped as the training's). */
    @Test
    void validationHoldsOutRowsForEarlyStopping() throws IOException {
        Path model = folder.resolve("validated.json");
        Run fraction = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic",
                "--validation", "0.25", "--out", model.toString());
        assertEquals(0, fraction.code(), fraction.err() + fraction.out());
        assertTrue(fraction.out().contains("held-out loss"), fraction.out());
        String animals = "weight,ears,animal\n25,1,dog\n0.2,0,bird\n3.5,2,cat\n30,1,dog\n0.3,0,bird\n4,2,cat\n"
                + "28,1,dog\n0.25,0,bird\n3,2,cat\n";
        Path trainAnimals = folder.resolve("animals.csv");
        Files.writeString(trainAnimals, animals);
        Path heldOut = folder.resolve("held.csv");
        // other rows, classes in another order of first appearance: looked up by name, not by position
        Files.writeString(heldOut, "weight,ears,animal\n3.8,2,cat\n0.22,0,bird\n27,1,dog\n");
        Run file = run("fit", "--train", trainAnimals.toString(), "--model", "softmax", "--standardize",
                "--validation", heldOut.toString(), "--out", folder.resolve("a.json").toString());
        assertEquals(0, file.code(), file.err() + file.out());
        assertTrue(file.out().contains("held-out loss"), file.out());
        Files.writeString(heldOut, "weight,ears,animal\n3.8,2,fish\n");
        Run unknown = run("fit", "--train", trainAnimals.toString(), "--model", "softmax", "--validation", heldOut.toString(),
                "--out", folder.resolve("a.json").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("fish") && unknown.err().strip().lines().count() == 1, unknown.err());
        for (String bad : new String[] {"1.5", "0", folder.resolve("missing.csv").toString()}) {
            Run refused = run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--validation", bad,
                    "--out", folder.resolve("b.json").toString());
            assertEquals(2, refused.code(), bad + ": " + refused.out());
            assertTrue(refused.err().strip().lines().count() == 1, refused.err());
        }
    }

    /** `--data -` predicts from standard input (CSV, or LIBSVM with --format), gzip-compressed or not; errors name it. */
    @Test
    void predictReadsStandardInput() throws IOException {
        Path model = folder.resolve("stdin.json");
        Run fit = run("fit", "--train", resource("small.csv").toString(), "--model", "linear", "--l2", "0.1",
                "--out", model.toString());
        assertEquals(0, fit.code(), fit.err() + fit.out());
        Run fromFile = run("predict", "--model", model.toString(), "--data", resource("small.csv").toString());
        java.io.InputStream original = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(Files.readAllBytes(resource("small.csv"))));
            Run fromStdin = run("predict", "--model", model.toString(), "--data", "-");
            assertEquals(0, fromStdin.code(), fromStdin.err());
            assertEquals(fromFile.out(), fromStdin.out());
            java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
                gzip.write(Files.readAllBytes(resource("small.csv")));
            }
            System.setIn(new java.io.ByteArrayInputStream(compressed.toByteArray()));
            assertEquals(fromFile.out(), run("predict", "--model", model.toString(), "--data", "-").out(), "gzip on stdin");
            System.setIn(new java.io.ByteArrayInputStream("x1,x2,y\n1,oops,2\n".getBytes(StandardCharsets.UTF_8)));
            Run bad = run("predict", "--model", model.toString(), "--data", "-");
            assertEquals(2, bad.code());
            assertTrue(bad.err().contains("<standard input>:2, column 2 (x2): 'oops' is not a number"), bad.err());
            Run npy = run("predict", "--model", model.toString(), "--data", "-", "--format", "npy");
            assertEquals(2, npy.code());
            assertTrue(npy.err().contains("standard input (-) can carry CSV or LIBSVM data, not npy"), npy.err());
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        String out = folder.resolve("m.json").toString();
        String[][] cases = {
            {"non_numeric.csv:3, column 2 (b): 'x7' is not a number", "fit", "--train", resource("non_numeric.csv").toString(),
                "--model", "linear", "--out", out},
            {"ragged.csv:3: the row has 2 fields", "fit", "--train", resource("ragged.csv").toString(), "--model", "linear", "--out", out},
            {"no label column 'y'", "fit", "--train", resource("ragged.csv").toString(), "--label", "y", "--model", "linear", "--out", out},
            {"zero_index.svm:1, column 3: feature index 0", "fit", "--train", resource("zero_index.svm").toString(),
                "--index-base", "1", "--model", "linear", "--out", out},
            {"--index-base takes auto, 0 or 1, not '2'", "fit", "--train", resource("small.svm").toString(),
                "--index-base", "2", "--model", "linear", "--out", out},
            {"--index-base is for LIBSVM data", "fit", "--train", resource("small.csv").toString(),
                "--index-base", "0", "--model", "linear", "--out", out},
            {"feature index 2 after 3", "fit", "--train", resource("out_of_order.svm").toString(), "--model", "linear", "--out", out},
            {"dtype i4 is not supported", "fit", "--train", resource("x_i4.npy").toString(), "--labels",
                resource("y_i8.npy").toString(), "--model", "linear", "--out", out},
            {"label_two.csv:3, column 3 (label): label 2.0 is not 0 or 1", "fit", "--train", resource("label_two.csv").toString(),
                "--model", "logistic", "--out", out},
            {"format 'descent-model/2' is not descent-model/1", "predict", "--model", resource("model_v2.json").toString(),
                "--data", resource("small.csv").toString()},
            {"unknown model 'tree'", "fit", "--train", train.toString(), "--model", "tree", "--out", out},
            {"--lr must be a number or auto, not 'fast'", "fit", "--train", train.toString(), "--model", "linear", "--lr", "fast",
                "--out", out},
        };
        for (String[] c : cases) {
            Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", c) + "\n" + r.out() + r.err());
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        Run usage = run("fit", "--model", "linear");
        assertEquals(2, usage.code(), "a missing required option is a usage error");
        assertTrue(usage.err().contains("--train"), usage.err());
    }

    @Test
    void predictNeedsTheModelsColumns() throws IOException {
        Path model = folder.resolve("model.json");
        assertEquals(0, run("fit", "--train", train.toString(), "--label", "target", "--model", "logistic", "--out",
                model.toString()).code());
        Run r = run("predict", "--model", model.toString(), "--data", resource("small.csv").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("the model's feature 'f0' is not a column"), r.err());
    }

    @Test
    void everyCommandHasHelpAndDevicesListsBackends() {
        for (String command : new String[] {"fit", "predict", "devices", "bench", "demo"}) {
            Run help = run(command, "--help");
            assertEquals(0, help.code(), command);
            assertTrue(help.out().toLowerCase(Locale.ROOT).contains("usage: descent " + command), help.out());
        }
        Run devices = run("devices");
        assertTrue(devices.out().contains("cpu") && devices.out().contains("available"), devices.out());
    }

    @Test
    @Tag("desktop") // draws a PNG: needs java.desktop, which the GPU bundle's runtime leaves out
    void benchTimesEveryBackendAndWritesJsonAndAChart() throws IOException {
        Path json = folder.resolve("bench.json");
        Path chart = folder.resolve("bench.png");
        Run bench = run("bench", "--shape", "3000x16,500x200", "--steps", "3", "--warmup", "1", "--warmup-seconds", "0",
                "--json", json.toString(), "--plot", chart.toString());
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("cpu") && bench.out().contains("3000x16") && bench.out().contains("of read GB/s"),
                bench.out());
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals(3, root.path("seed").asInt() + 2);
        int rows = 0;
        for (var row : root.path("results")) {
            rows++;
            if (row.path("available").asBoolean()) {
                assertTrue(row.path("median_ms").asDouble() > 0 && row.path("fraction_of_read_bandwidth").asDouble() > 0, row.toString());
            } else {
                assertFalse(row.path("reason").asText().isEmpty(), row.toString());
            }
        }
        assertEquals(2 * dev.descent.backend.Backends.all().size(), rows, "every backend at every shape, available or not");
        byte[] png = Files.readAllBytes(chart);
        assertTrue(png.length > 1000 && png[1] == 'P', "a PNG chart");
        Run bad = run("bench", "--shape", "12by4");
        assertEquals(Main.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("shape '12by4'"), bad.err());
        Run badWarmup = run("bench", "--warmup-seconds", "-1");
        assertEquals(Main.EXIT_BAD_INPUT, badWarmup.code());
        assertTrue(badWarmup.err().contains("--warmup-seconds"), badWarmup.err());
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path target = folder.resolve("model.json");
        Files.writeString(target, "previous");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of a new fi".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("previous", Files.readString(target));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("model.json", "train.csv"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
