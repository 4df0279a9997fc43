package dev.descent.backend.gpu.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build put the CUDA kernels compiled as host code (kernels/host-emulation/build.sh): the
 * system property {@value #PROPERTY} names the folder, set by pom.xml for the test runs that use it.
 */
final class StandInDriver {
    static final String PROPERTY = "descent.test.hostEmulation";

    private StandInDriver() {
    }

    /** Whether this test run was given the host emulation's folder. */
    static boolean expected() {
        return System.getProperty(PROPERTY) != null;
    }

    static Path folder() {
        return Path.of(System.getProperty(PROPERTY, "target/host-emulation"));
    }

    /** Why build.sh could not build here (its unavailable.txt), or null when it built. */
    static String unavailableReason() {
        Path reason = folder().resolve("unavailable.txt");
        if (!Files.exists(reason)) {
            return Files.exists(folder().resolve("check_kernels")) ? null : "build.sh has not run (no " + folder() + ")";
        }
        try {
            return Files.readString(reason, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
