package dev.descent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.cli.Main;
import dev.descent.io.ModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM without libjsig (an application embedding descent, started without the launcher) fitting with
 * backend auto: where PoCL is the only OpenCL driver, auto passes OpenCL over without loading it, so its
 * LLVM never takes the JVM's signal handlers (such a JVM died with SIGSEGV,
 * bench/results/2026-12-05-time-to-solution-2); the fit runs on the cpu backend with no signal warning.
 */
class AutoWithoutJsigTest {
    @TempDir
    Path folder;

    @Test
    void autoWithoutJsigNeverLoadsAPoclOnlyDriver() throws IOException, InterruptedException {
        Path model = folder.resolve("model.json");
        ProcessBuilder builder = Subprocess.java(List.of(), Main.class.getName(), "fit", "--train",
                dev.descent.TestData.dataFile("small.svm").toString(), "--model", "linear", "--l2", "0.1",
                "--backend", "auto", "--out", model.toString()).redirectErrorStream(true);
        builder.environment().remove("LD_PRELOAD");
        Process fit = builder.start();
        String output = new String(fit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(fit.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, fit.exitValue(), output);
        assertFalse(output.contains("replaces the JVM's signal handlers"), output);
        assertEquals("cpu", ModelFile.read(model).fit().backend(), output);
    }
}
