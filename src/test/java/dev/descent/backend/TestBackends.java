package dev.descent.backend;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The backends a test run covers: all of them, or those the system property {@value #PROPERTY} names
 * (comma-separated). pom.xml gives the main run the host backends and the cuda-on-the-host run, whose
 * JVM has the stand-in CUDA driver, cuda and cublas, so that each row runs where it can.
 */
public final class TestBackends {
    public static final String PROPERTY = "descent.test.backends";

    private TestBackends() {
    }

    /** The providers this run covers, in {@link Backends#all()}'s order. */
    public static List<BackendProvider> selected() {
        String names = System.getProperty(PROPERTY);
        if (names == null || names.isBlank()) {
            return Backends.all();
        }
        Set<String> wanted = Arrays.stream(names.split(",")).map(String::trim).collect(Collectors.toSet());
        return Backends.all().stream().filter(provider -> wanted.contains(provider.name())).toList();
    }
}
