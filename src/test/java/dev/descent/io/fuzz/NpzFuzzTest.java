package dev.descent.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.descent.data.DataFile;
import dev.descent.data.NpyBytes;

/**
 * The scipy.sparse .npz reader on arbitrary bytes (a zip of .npy members), with a fixed valid labels
 * file: a member whose header claims more values than the heap holds must be refused before it is
 * allocated. Regression inputs: src/test/resources/dev/descent/io/fuzz/NpzFuzzTestInputs.
 */
public class NpzFuzzTest {
    private static final FuzzHarness HARNESS = new FuzzHarness("fuzz.npz");
    private static final FuzzHarness LABELS = new FuzzHarness("labels.npy");

    @FuzzTest(maxDuration = "10s")
    void npz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The entry point of a standalone Jazzer run (bench/fuzz/run.sh). */
    public static void fuzzerTestOneInput(byte[] input) {
        byte[] labels = NpyBytes.float32Column(new float[] {0, 1, 1});
        LABELS.check(labels, labelsFile ->
                HARNESS.check(input, file -> DataFile.read(file, DataFile.Format.NPZ, DataFile.Request.forFit(null, null, labelsFile))));
    }
}
