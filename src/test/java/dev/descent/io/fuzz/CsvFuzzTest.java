package dev.descent.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.descent.data.DataFile;
import java.util.List;

/**
 * The CSV reader on arbitrary bytes. The first byte picks the request (label column by name or the
 * last, with or without a weight column, for fit or for predict, columns read as numbers or hashed
 * into buckets), the rest is the file.
 * Regression inputs: src/test/resources/dev/descent/io/fuzz/CsvFuzzTestInputs.
 */
public class CsvFuzzTest {
    private static final FuzzHarness HARNESS = new FuzzHarness("fuzz.csv");

    @FuzzTest(maxDuration = "10s")
    void csv(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** The entry point of a standalone Jazzer run (bench/fuzz/run.sh). */
    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int options = input[0];
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        DataFile.Request plain = switch (options & 3) {
            case 0 -> DataFile.Request.forFit(null, null, null);
            case 1 -> DataFile.Request.forFit("y", null, null);
            case 2 -> DataFile.Request.forFit("y", "w", null);
            default -> DataFile.Request.forPredict(null, null, List.of("a", "b"));
        };
        DataFile.Request request = (options & 4) != 0 ? plain.withHashedFeatures(1 + (options >>> 3 & 15)) : plain;
        HARNESS.check(body, file -> DataFile.read(file, DataFile.Format.CSV, request));
    }
}
