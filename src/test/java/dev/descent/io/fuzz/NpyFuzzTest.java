package dev.descent.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.descent.data.DataFile;
import dev.descent.data.NpyBytes;

/**
 * The .npy reader on arbitrary bytes, as features with a labels file (a fixed valid one) and as a
 * labels file itself: a header that claims more data than the file holds (10^12 rows, say) must be
 * refused before anything that size is allocated (the fuzz JVM's heap is small, so trusting it is an
 * OutOfMemoryError, a finding). Regression inputs: src/test/resources/dev/descent/io/fuzz/NpyFuzzTestInputs.
 */
public class NpyFuzzTest {
    private static final FuzzHarness HARNESS = new FuzzHarness("fuzz.npy");
    private static final FuzzHarness LABELS = new FuzzHarness("labels.npy");

    @FuzzTest(maxDuration = "10s")
    void npy(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The entry point of a standalone Jazzer run (bench/fuzz/run.sh). */
    public static void fuzzerTestOneInput(byte[] input) {
        // a valid float32 column of three labels as the other file
        byte[] labels = NpyBytes.float32Column(new float[] {0, 1, 1});
        LABELS.check(labels, labelsFile ->
                HARNESS.check(input, file -> DataFile.read(file, DataFile.Format.NPY, DataFile.Request.forFit(null, null, labelsFile))));
        HARNESS.check(NpyBytes.float32Matrix(3, 2), features ->
                LABELS.check(input, labelsFile -> DataFile.read(features, DataFile.Format.NPY,
                        DataFile.Request.forFit(null, null, labelsFile))));
    }
}
