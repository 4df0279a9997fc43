package dev.descent.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.descent.data.DataFile;

/** The LIBSVM reader on arbitrary bytes. Regression inputs: src/test/resources/dev/descent/io/fuzz/LibsvmFuzzTestInputs. */
public class LibsvmFuzzTest {
    private static final FuzzHarness HARNESS = new FuzzHarness("fuzz.svm");

    @FuzzTest(maxDuration = "10s")
    void libsvm(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The entry point of a standalone Jazzer run (bench/fuzz/run.sh). */
    public static void fuzzerTestOneInput(byte[] input) {
        HARNESS.check(input, file -> DataFile.read(file, DataFile.Format.LIBSVM, DataFile.Request.forFit(null, null, null)));
    }
}
