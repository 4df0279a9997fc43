package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.data.DataFile;
import dev.descent.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** huber, poisson and svm through the command line: fit, the model file, predict, and their bad input. */
class MoreModelsCliTest {
    @TempDir
    Path folder;

    /** Fit from the CLI equals the same fit through the API, and predict prints the API's predictions. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"huber", "poisson", "svm"})
    void fitAndPredictAgreeWithTheApi(String name) throws IOException {
        ModelKind kind = ModelKind.parse(name);
        Path train = CliTest.writeCsv(folder.resolve(name + ".csv"), TestData.random(kind, 300, 4, 0, 11));
        Path model = folder.resolve(name + ".json");
        List<String> args = new java.util.ArrayList<>(List.of("fit", "--train", train.toString(), "--model", name, "--l2",
                "0.01", "--out", model.toString()));
        if (kind == ModelKind.HUBER) {
            args.addAll(List.of("--delta", "0.5"));
        }
        CliTest.Run fit = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, fit.code(), fit.out() + fit.err());
        String metric = switch (kind) {
            case HUBER -> "training R^2";
            case POISSON -> "training D^2";
            default -> "training accuracy";
        };
        assertTrue(fit.out().contains("CONVERGED") && fit.out().contains(metric), fit.out());
        assertFalse(fit.out().contains("log-loss") && kind == ModelKind.SVM, "an svm has no probabilities: " + fit.out());

        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(kind, saved.fitted().kind());
        assertEquals(kind == ModelKind.HUBER ? 0.5 : Double.NaN, saved.delta(), 0.0);
        DataFile.Table table = DataFile.read(train, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null));
        Fitter fitter = Fitter.of(kind).l2(0.01);
        if (kind == ModelKind.HUBER) {
            fitter.delta(0.5);
        }
        FitResult api = fitter.fit(table.data());
        assertArrayEquals(api.model().weights()[0], saved.model().weights()[0], 0.0, "the CLI's fit is the API's");

        CliTest.Run predict = CliTest.run("predict", "--model", model.toString(), "--data", train.toString());
        assertEquals(0, predict.code(), predict.err());
        double[] expected = api.model().predict(table.data());
        List<String> lines = predict.out().lines().toList();
        assertEquals(expected.length, lines.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(PredictCommand.format(expected[i]), lines.get(i), "row " + i);
        }
        assertTrue(predict.err().startsWith(metric.substring("training ".length())), predict.err());

        CliTest.Run scores = CliTest.run("predict", "--model", model.toString(), "--data", train.toString(), "--scores");
        assertEquals(0, scores.code(), scores.err());
        double[][] z = api.model().decisionFunction(table.data());
        List<String> scoreLines = scores.out().lines().toList();
        for (int i = 0; i < z.length; i++) {
            assertEquals(z[i][0], Double.parseDouble(scoreLines.get(i)), 0.0, "score of row " + i);
            if (kind == ModelKind.SVM) {
                assertEquals(z[i][0] >= 0 ? 1.0 : 0.0, expected[i], "an svm predicts the sign of its score, row " + i);
            } else if (kind == ModelKind.POISSON) {
                assertEquals(Math.exp(z[i][0]), expected[i], 0.0, "a poisson model predicts e^z, row " + i);
            }
        }
    }

    @Test
    void svmTakesSignedLabelsAndGivesThemBack() throws IOException {
        Path train = folder.resolve("signed.csv");
        Files.writeString(train, "a,b,y\n1,2,1\n-1,-2,-1\n2,1,1\n-2,-1,-1\n0.5,1,1\n-1,-0.5,-1\n");
        Path model = folder.resolve("svm.json");
        CliTest.Run fit = CliTest.run("fit", "--train", train.toString(), "--model", "svm", "--l2", "0.1", "--out", model.toString());
        assertEquals(0, fit.code(), fit.err());
        CliTest.Run predict = CliTest.run("predict", "--model", model.toString(), "--data", train.toString());
        assertEquals(List.of("1", "-1", "1", "-1", "1", "-1"), predict.out().lines().toList());
        assertTrue(predict.err().startsWith("accuracy 1.000000"), predict.err());
    }

    /** --l2 with several values and --cv: the table, the chosen value, and its model fitted on every row. */
    @Test
    void crossValidationChoosesAnL2AndWritesItsModel() throws IOException {
        Path train = CliTest.writeCsv(folder.resolve("cv.csv"), TestData.random(ModelKind.LOGISTIC, 600, 5, 0, 4));
        Path model = folder.resolve("cv.json");
        CliTest.Run fit = CliTest.run("fit", "--train", train.toString(), "--model", "logistic", "--l2", "1e-4,1e-2,1",
                "--cv", "3", "--seed", "2", "--out", model.toString());
        assertEquals(0, fit.code(), fit.out() + fit.err());
        assertTrue(fit.out().contains("3 folds x 3 l2 values") && fit.out().contains("<- best")
                && fit.out().contains("sharing each pass"), fit.out());
        DataFile.Table table = DataFile.read(train, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null));
        dev.descent.CrossValidation cv = Fitter.of(ModelKind.LOGISTIC).seed(2).crossValidate(table.data(), 3, 1e-4, 1e-2, 1);
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(cv.bestL2(), saved.l2(), 0.0, "the chosen l2 is the model file's");
        assertArrayEquals(cv.model().model().weights()[0], saved.model().weights()[0], 0.0, "the refit on every row");

        Path all = folder.resolve("all");
        CliTest.Run everyValue = CliTest.run("fit", "--train", train.toString(), "--model", "logistic", "--l2", "1e-4,1e-2,1",
                "--cv", "3", "--out", model.toString(), "--out-all", all.toString(), "--quiet");
        assertEquals(0, everyValue.code(), everyValue.err());
        List<FitResult> path = Fitter.of(ModelKind.LOGISTIC).path(table.data(), 1e-4, 1e-2, 1);
        double[] grid = {1e-4, 1e-2, 1};
        for (int v = 0; v < grid.length; v++) {
            ModelFile.SavedModel one = ModelFile.read(all.resolve("l2-" + grid[v] + ".json"));
            assertEquals(grid[v], one.l2(), 0.0);
            assertArrayEquals(path.get(v).model().weights()[0], one.model().weights()[0], 0.0, "the path's model, l2 " + grid[v]);
        }

        String[][] refused = {
            {"--l2 has 2 values: give --cv K to choose among them", "--l2", "0.1,1"},
            {"--out-all writes the models of a --cv run: give --cv K", "--out-all", folder.resolve("a").toString()},
            {"--plot draws one fit's progress; with --cv there are many", "--l2", "0.1,1", "--cv", "2", "--plot",
                folder.resolve("p.png").toString()},
            {"the l2 grid must increase: 1.0 then 0.1", "--l2", "1,0.1", "--cv", "2"},
            {"paths and cross-validation run lbfgs", "--l2", "0.1,1", "--cv", "2", "--optimizer", "adam"},
            {"cross-validation needs 2 to 600 folds", "--l2", "0.1,1", "--cv", "1"},
        };
        for (String[] c : refused) {
            List<String> args = new java.util.ArrayList<>(List.of("fit", "--train", train.toString(), "--model", "logistic",
                    "--out", folder.resolve("x.json").toString()));
            args.addAll(List.of(c).subList(1, c.length));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
        }
    }

    /** --one-vs-rest on named classes: the API's model, written with a row per class, predicted back by name. */
    @Test
    void oneVsRestFitsAndPredictsNamedClasses() throws IOException {
        Path train = folder.resolve("animals.csv");
        StringBuilder text = new StringBuilder("a,b,animal\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        String[] names = {"bird", "cat", "dog"};
        double[][] centres = {{0, -2}, {1.5, 1.5}, {-1.5, 1.5}};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            text.append(centres[c][0] + random.nextGaussian()).append(',').append(centres[c][1] + random.nextGaussian())
                    .append(',').append(names[c]).append('\n');
        }
        Files.writeString(train, text);
        Path model = folder.resolve("ovr.json");
        CliTest.Run fit = CliTest.run("fit", "--train", train.toString(), "--model", "logistic", "--one-vs-rest", "--l2",
                "0.01", "--out", model.toString());
        assertEquals(0, fit.code(), fit.out() + fit.err());
        assertTrue(fit.out().contains("logistic one-vs-rest") && fit.out().contains("macro F1"), fit.out());
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals(List.of("bird", "cat", "dog"), saved.classNames());
        assertEquals(3, saved.model().weights().length, "a row per class");
        DataFile.Table table = DataFile.read(train, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null));
        FitResult api = Fitter.of(ModelKind.LOGISTIC).l2(0.01).oneVsRest(table.data());
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(api.model().weights()[c], saved.model().weights()[c], 0.0, "class " + c);
        }
        CliTest.Run predict = CliTest.run("predict", "--model", model.toString(), "--data", train.toString());
        assertEquals(0, predict.code(), predict.err());
        double[] expected = api.model().predict(table.data());
        List<String> lines = predict.out().lines().toList();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(names[(int) expected[i]], lines.get(i), "row " + i);
        }
        CliTest.Run refused = CliTest.run("fit", "--train", train.toString(), "--model", "logistic", "--one-vs-rest", "--l2",
                "0.01,0.1", "--cv", "2", "--out", model.toString());
        assertEquals(Main.EXIT_BAD_INPUT, refused.code());
        assertTrue(refused.err().contains("--one-vs-rest fits k models at once: it takes no --cv"), refused.err());
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        Path negative = folder.resolve("negative.csv");
        Files.writeString(negative, "a,count\n1,2\n2,0\n3,-1\n");
        Path counts = folder.resolve("counts.csv");
        Files.writeString(counts, "a,count\n1,2\n2,0\n3,1\n");
        Path out = folder.resolve("m.json");
        Path svm = folder.resolve("svm.json");
        Path binary = folder.resolve("binary.csv");
        Files.writeString(binary, "a,y\n1,1\n2,0\n3,1\n");
        assertEquals(0, CliTest.run("fit", "--train", binary.toString(), "--model", "svm", "--out", svm.toString()).code());
        String[][] cases = {
            {"negative.csv:4, column 2 (count): label -1.0 is negative; poisson regression needs labels >= 0", "fit", "--train",
                negative.toString(), "--model", "poisson", "--out", out.toString()},
            {"label_two.csv:3, column 3 (label): label 2.0 is not 0 or 1 (or -1 or +1); svm needs labels in {0, 1}", "fit",
                "--train", CliTest.resource("label_two.csv").toString(), "--model", "svm", "--out", out.toString()},
            {"delta must be positive and finite, got 0.0", "fit", "--train", counts.toString(), "--model", "huber", "--delta", "0",
                "--out", out.toString()},
            {"delta must be positive and finite, got -1.0", "fit", "--train", counts.toString(), "--model", "huber", "--delta",
                "-1", "--out", out.toString()},
            {"--delta is for --model huber; poisson models take no delta", "fit", "--train", counts.toString(), "--model",
                "poisson", "--delta", "1", "--out", out.toString()},
            {"poisson's loss has no bound, so no learning rate follows from the data", "fit", "--train", counts.toString(),
                "--model", "poisson", "--optimizer", "nesterov", "--out", out.toString()},
            {"--proba needs a logistic or softmax model; " + svm + " is svm (its scores: --scores)", "predict", "--model",
                svm.toString(), "--data", binary.toString(), "--proba"},
            {"unknown model 'tree': expected linear, logistic, softmax, huber, poisson or svm", "fit", "--train",
                counts.toString(), "--model", "tree", "--out", out.toString()},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", c) + "\n" + r.out() + r.err());
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
    }
}
