package dev.descent.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** The provider of that name. */
    public static BackendProvider provider(String name) {
        return Backends.all().stream().filter(provider -> provider.name().equals(name)).findFirst().orElseThrow();
    }

    /** The provider of that name; the calling test is skipped, with the reason, where it is unavailable here. */
    public static BackendProvider require(String name) {
        BackendProvider provider = provider(name);
        Availability availability = provider.availability();
        assumeTrue(availability.available(), () -> name + " unavailable: " + availability.reason());
        return provider;
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
