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
