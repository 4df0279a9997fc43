package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Element-wise comparison with the reference: |expected - actual| <= absolute + relative * |expected|. */
public final class Agreement {
    private Agreement() {
    }

    /** Fails with the largest error and the first few mismatches. */
    public static void assertClose(String what, double[] expected, double[] actual, double absolute, double relative) {
        assertEquals(expected.length, actual.length, what + " length");
        List<String> mismatches = new ArrayList<>();
        double largest = 0;
        for (int j = 0; j < expected.length; j++) {
            double error = Math.abs(expected[j] - actual[j]);
            largest = Math.max(largest, error);
            if (!(error <= absolute + relative * Math.abs(expected[j])) && mismatches.size() < 5) {
                mismatches.add(String.format(Locale.ROOT, "[%d] expected %.9g, got %.9g", j, expected[j], actual[j]));
            }
        }
        if (!mismatches.isEmpty()) {
            fail(what + ": largest error " + largest + "; first mismatches " + mismatches);
        }
    }
}
