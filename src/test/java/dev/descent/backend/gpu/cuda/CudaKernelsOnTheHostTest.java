package dev.descent.backend.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CUDA kernels compiled as host code (kernels/host-emulation) under AddressSanitizer and UBSan:
 * each case of check_kernels against double-precision sums, in six block and thread orders, is one
 * test here. The negative controls (kernels with a missing barrier, a partial shuffle mask, and so
 * on) must each be caught, so the checks are known to be able to fail. Where the emulation could not
 * be built (no g++, not x86-64) every test is skipped with build.sh's reason; with
 * DESCENT_REQUIRE_CUDA_EMULATION set (CI) build.sh fails the build instead.
 */
class CudaKernelsOnTheHostTest {
    /** The kernel cases: every kernel family on its odd shapes (fewer would mean cases were lost). */
    static final int LEAST_CASES = 250;
    static final int CONTROLS = 6;
    /** A whole run takes about 15 s on two cores under the sanitizers. */
    static final long TIMEOUT_SECONDS = 600;

    record Run(int status, List<String> lines, String errors) {
    }

    static Run run(String... arguments) throws IOException, InterruptedException {
        String reason = StandInDriver.unavailableReason();
        assumeTrue(reason == null, () -> "CUDA kernels on the host skipped: " + reason);
        List<String> command = new ArrayList<>();
        command.add(StandInDriver.folder().resolve("check_kernels").toString());
        command.addAll(List.of(arguments));
        // standard error to a file, so that neither pipe can fill while the other is read
        Path errors = Files.createTempFile("check_kernels", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            // the test JVM's preloaded libjsig (pom.xml) would come before the sanitizers' runtime, which must be first
            builder.environment().remove("LD_PRELOAD");
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("check_kernels ran past " + TIMEOUT_SECONDS + " s");
            }
            return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8).lines().toList(),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyKernelMatchesDoubleSumsInEveryOrder() throws Exception {
        Run run = run();
        List<DynamicTest> tests = new ArrayList<>();
        int cases = 0;
        for (String line : run.lines()) {
            boolean pass = line.startsWith("PASS ");
            if (pass || line.startsWith("FAIL ")) {
                cases++;
                String name = pass ? line.substring(5) : line.substring(5, line.indexOf(": ", 5));
                tests.add(DynamicTest.dynamicTest(name, () -> assertTrue(pass, line)));
            }
        }
        int found = cases;
        tests.add(DynamicTest.dynamicTest("the run ended whole", () -> {
            assertEquals(0, run.status(), () -> "check_kernels exited with " + run.status() + ":\n" + tail(run));
            assertTrue(found >= LEAST_CASES, () -> found + " cases, fewer than " + LEAST_CASES);
        }));
        return tests.stream();
    }

    @Test
    void everyNegativeControlIsCaught() throws Exception {
        Run run = run("--controls");
        long caught = run.lines().stream().filter(line -> line.startsWith("PASS control ")).count();
        assertEquals(CONTROLS, caught, () -> String.join("\n", run.lines()));
        assertEquals(0, run.status(), () -> tail(run));
    }

    @Test
    void aReadPastABufferStopsTheRun() throws Exception {
        Run run = run("--read-past-a-buffer");
        assertTrue(run.status() != 0, "AddressSanitizer let a read past a buffer go");
        assertTrue(run.errors().contains("heap-buffer-overflow"), () -> tail(run));
    }

    private static String tail(Run run) {
        String all = String.join("\n", run.lines()) + "\n" + run.errors();
        return all.substring(Math.max(0, all.length() - 4000));
    }
}
