package dev.descent.backend.gpu.opencl;

import dev.descent.DescentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kernel files from the jar's kernels/ folder (the repository's kernels/), with each
 * {@code #include "name"} replaced by that file (recursively), since a program built from a String
 * has no include path. Header guards keep a header that several stages include to one copy.
 */
final class KernelSource {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([A-Za-z0-9_.]+)\"\\s*$");

    private KernelSource() {
    }

    static String load(String name) {
        try (InputStream in = KernelSource.class.getResourceAsStream("/kernels/" + name)) {
            if (in == null) {
                throw new DescentException("kernel source kernels/" + name + " is missing from this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DescentException("cannot read kernel source kernels/" + name + ": " + e.getMessage(), e);
        }
    }

    /** A file with its includes expanded in place. */
    static String expand(String name) {
        Matcher include = INCLUDE.matcher(load(name));
        StringBuilder out = new StringBuilder();
        while (include.find()) {
            include.appendReplacement(out, Matcher.quoteReplacement(expand(include.group(1))));
        }
        include.appendTail(out);
        return out.toString();
    }

    /** The OpenCL program: the compat header, then each stage's file with its includes expanded. */
    static String openClProgram(String... stages) {
        StringBuilder program = new StringBuilder(load("opencl_compat.h")).append('\n');
        for (String stage : stages) {
            program.append(expand(stage)).append('\n');
        }
        return program.toString();
    }
}
