package dev.descent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.cli.Main;
import dev.descent.data.Dataset;
import dev.descent.io.ModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (an application embedding descent,
 * the jar run without the launcher) still fits on the cpu backend: on its scalar twins, with one
 * warning that says how to enable the vector kernels, and to the same weights as with them (the twins
 * take eight lanes then, the width of this machine's kernels where the Vector API offers 256 bits).
 */
class VectorModuleTest {
    @TempDir
    Path folder;

    @Test
    void aJvmWithoutTheVectorModuleFitsOnTheScalarTwinsWithOneWarning() throws IOException, InterruptedException {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 3_000, 40, 2, 8);
        Path csv = folder.resolve("train.csv");
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < 40; j++) {
            text.append("f").append(j).append(',');
        }
        text.append("target\n");
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < 40; j++) {
                text.append(data.features()[i * 40 + j]).append(',');
            }
            text.append(data.labels()[i]).append('\n');
        }
        Files.writeString(csv, text);
        String[] results = new String[2];
        for (int run = 0; run < 2; run++) {
            Path model = folder.resolve("model" + run + ".json");
            List<String> options = run == 0 ? List.of() : List.of("--add-modules", "jdk.incubator.vector");
            Process fit = Subprocess.javaWithOptions(options, Main.class.getName(), "fit", "--train", csv.toString(),
                    "--label", "target", "--model", "logistic", "--l2", "1e-3", "--backend", "cpu",
                    "--out", model.toString()).redirectErrorStream(true).start();
            String output = new String(fit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(fit.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, fit.exitValue(), output);
            long warnings = output.lines().filter(line -> line.contains("jdk.incubator.vector is not enabled")).count();
            assertEquals(run == 0 ? 1 : 0, warnings, output);
            if (run == 0) {
                assertTrue(output.contains("--add-modules jdk.incubator.vector"), output);
                assertTrue(output.contains("scalar float32 (no jdk.incubator.vector)"), output);
                assertTrue(!output.contains("Exception") && !output.contains("Error:"), output);
            }
            ModelFile.SavedModel saved = ModelFile.read(model);
            results[run] = java.util.Arrays.toString(saved.model().weights()[0]) + saved.model().intercepts()[0];
        }
        // The cpu kernels take 256-bit vectors wherever the machine offers at least that (CpuTuning.SPECIES).
        if (jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256) {
            assertEquals(results[1], results[0], "the twins give the 256-bit vector kernels' weights");
        }
    }
}
