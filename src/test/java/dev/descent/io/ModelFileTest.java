package dev.descent.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.data.Standardization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model file's writer against its reader: every field back, names that need escaping, exact doubles. */
class ModelFileTest {
    @TempDir
    Path folder;

    @Test
    void aSoftmaxModelWithOddNamesAndEveryFieldReadsBackExactly() throws IOException {
        double[][] weights = {{0.1, -1e-300, Math.PI}, {Double.MIN_VALUE, 1e300, -0.0}, {1.0 / 3, 2, -7.25}};
        LinearModel model = new LinearModel(ModelKind.SOFTMAX, new double[] {-1, 0.5, 2}, weights, new double[] {1e-9, 0, -3});
        List<String> names = List.of("plain", "quote \" and \\ backslash", "tab\tnew\nline \u00e9\u4e2d \u0001");
        Standardization standardization = new Standardization(new double[] {0.5, -2, 1e10}, new double[] {1, 0.25, 3e-5});
        ModelFile.FitSummary fit = new ModelFile.FitSummary("CONVERGED", "why \"quoted\"", 12, 0.125, "cpu", "2 threads",
                "lbfgs", Double.NaN, 100, 7, 0.5);
        Path file = folder.resolve("model.json");
        ModelFile.write(file, new ModelFile.SavedModel(model, names, "the label", standardization, 1e-4, 0, fit));
        ModelFile.SavedModel read = ModelFile.read(file);
        assertEquals(names, read.features());
        assertEquals("the label", read.label());
        assertArrayEquals(model.classes(), read.fitted().classes(), 0.0);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(weights[c], read.fitted().weights()[c], 0.0, "weights bit for bit, class " + c);
        }
        assertArrayEquals(model.intercepts(), read.fitted().intercepts(), 0.0);
        assertArrayEquals(standardization.mean(), read.standardization().mean(), 0.0);
        assertArrayEquals(standardization.scale(), read.standardization().scale(), 0.0);
        double[][] raw = read.model().weights();
        for (int c = 0; c < 3; c++) {
            double intercept = model.intercepts()[c];
            for (int j = 0; j < 3; j++) {
                assertEquals(weights[c][j] / standardization.scale()[j], raw[c][j], 0.0, "model() on raw features, class " + c);
                intercept -= raw[c][j] * standardization.mean()[j];
            }
            assertEquals(intercept, read.model().intercepts()[c], 0.0, "model()'s folded intercept, class " + c);
        }
        assertEquals(1e-4, read.l2(), 0.0);
        assertEquals("why \"quoted\"", read.fit().reason());
        assertTrue(Double.isNaN(read.fit().learningRate()), "a NaN is written as null and read back as NaN");
        assertTrue(Files.readString(file).contains("\"format\" : \"descent-model/1\""), "the indented layout");
    }

    /** Each new kind round-trips: huber with its delta, poisson, and svm with -1/+1 classes; a kind's classes are checked. */
    @Test
    void huberPoissonAndSvmModelsReadBack() throws IOException {
        double[][] weights = {{0.5, -2}};
        Object[][] kinds = {{ModelKind.HUBER, new double[0], 1.35}, {ModelKind.POISSON, new double[0], Double.NaN},
            {ModelKind.SVM, new double[] {-1, 1}, Double.NaN}};
        for (Object[] kind : kinds) {
            LinearModel model = new LinearModel((ModelKind) kind[0], (double[]) kind[1], weights, new double[] {0.25});
            Path file = folder.resolve(kind[0] + ".json");
            ModelFile.write(file, new ModelFile.SavedModel(model, List.of("a", "b"), "y", null, 0.1, 0, (double) kind[2],
                    null, -1, 0, null));
            ModelFile.SavedModel read = ModelFile.read(file);
            assertEquals(kind[0], read.fitted().kind());
            assertArrayEquals((double[]) kind[1], read.fitted().classes(), 0.0);
            assertArrayEquals(weights[0], read.fitted().weights()[0], 0.0);
            assertEquals((double) kind[2], read.delta(), 0.0, kind[0] + "'s delta");
        }
        Path poissonWithClasses = folder.resolve("bad.json");
        Files.writeString(poissonWithClasses, Files.readString(folder.resolve("poisson.json"))
                .replace("\"classes\" : [ ]", "\"classes\" : [ 0.0, 1.0 ]"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.descent.data.DataFormatException.class,
                () -> ModelFile.read(poissonWithClasses));
        assertTrue(e.getMessage().contains("poisson models have no classes"), e.getMessage());
        Path svmWithThree = folder.resolve("bad-svm.json");
        Files.writeString(svmWithThree, Files.readString(folder.resolve("svm.json"))
                .replace("\"classes\" : [ -1.0, 1.0 ]", "\"classes\" : [ 0.0, 1.0, 2.0 ]"));
        e = org.junit.jupiter.api.Assertions.assertThrows(dev.descent.data.DataFormatException.class,
                () -> ModelFile.read(svmWithThree));
        // three classes make an svm one-vs-rest, which needs a weight array per class
        assertTrue(e.getMessage().contains("the svm model's 3 classes need one weight array each, not 2"), e.getMessage());
    }

    /** A written file gets the permissions the umask gives a new file, as a plainly created one does (not 0600). */
    @Test
    void writtenFilesHonourTheUmask() throws IOException {
        Path plain = Files.createFile(folder.resolve("plain"));
        Path written = folder.resolve("written.json");
        AtomicFiles.write(written, out -> out.write('x'));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        try (var listing = Files.list(folder)) {
            assertEquals(2, listing.count(), "no temporary file left behind");
        }
    }
}
