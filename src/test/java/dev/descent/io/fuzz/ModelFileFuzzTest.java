package dev.descent.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.descent.io.ModelFile;

/** The model-file reader (descent-model/1 JSON) on arbitrary bytes. Regression inputs: src/test/resources/dev/descent/io/fuzz/ModelFileFuzzTestInputs. */
public class ModelFileFuzzTest {
    private static final FuzzHarness HARNESS = new FuzzHarness("model.json");

    @FuzzTest(maxDuration = "10s")
    void modelFile(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The entry point of a standalone Jazzer run (bench/fuzz/run.sh). */
    public static void fuzzerTestOneInput(byte[] input) {
        HARNESS.check(input, ModelFile::read);
    }
}
