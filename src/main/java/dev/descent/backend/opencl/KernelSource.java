package dev.descent.backend.opencl;

import dev.descent.DescentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Kernel files from the jar's kernels/ folder (the repository's kernels/), with each
 * {@code #include "descent_math.h"} replaced by the dialect's compat header and the shared math,
 * since a program built from a String has no include path.
 */
final class KernelSource {
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

    /** The OpenCL program: the compat header, the shared math, then each stage's file. */
    static String openClProgram(String... stages) {
        String math = load("opencl_compat.h") + "\n" + load("descent_math.h") + "\n";
        StringBuilder program = new StringBuilder();
        for (String stage : stages) {
            program.append(load(stage).replace("#include \"descent_math.h\"", math)).append('\n');
        }
        return program.toString();
    }
}
