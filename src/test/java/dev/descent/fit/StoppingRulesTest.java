package dev.descent.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.FitStatus;
import org.junit.jupiter.api.Test;

/** Each stopping rule on objective histories written out by hand. */
class StoppingRulesTest {

    /** Feeds a history to a rule epoch by epoch; returns the epoch (1-based) it stopped at, or 0. */
    private static int stopsAt(StoppingRule rule, double[] history, double gradientNorm) {
        for (int epoch = 1; epoch <= history.length; epoch++) {
            if (rule.after(epoch, history, gradientNorm, 0.1) != null) {
                return epoch;
            }
        }
        return 0;
    }

    @Test
    void aNonFiniteObjectiveIsDivergence() {
        StoppingRule.Stop stop = new StoppingRules.Divergence().after(2, new double[] {1.0, Double.NaN}, Double.NaN, 0.5);
        assertEquals(FitStatus.DIVERGED, stop.status());
        assertTrue(stop.reason().contains("NaN") && stop.reason().contains("0.05"), stop.reason());
    }

    @Test
    void risingAboveTheStartForTenEpochsIsDivergenceAndBelowItIsNot() {
        double[] above = new double[12];
        double[] below = new double[12];
        above[0] = 1;
        below[0] = 100;
        for (int e = 1; e < 12; e++) {
            above[e] = 0.5 + e;   // falls once, then rises ten times in a row past the start
            below[e] = 1 + e;     // rises eleven times, but stays below the start
        }
        assertEquals(1 + StoppingRules.RISE_PATIENCE, stopsAt(new StoppingRules.Divergence(), above, Double.NaN));
        assertEquals(0, stopsAt(new StoppingRules.Divergence(), below, Double.NaN));
    }

    @Test
    void noProgressForPatienceEpochsConvergesAndToleranceZeroNeverDoes() {
        double[] flat = {5, 4, 3, 3, 3, 3, 3};
        assertEquals(6, stopsAt(new StoppingRules.NoProgress(1e-7, 3, true), flat, Double.NaN));
        assertEquals(0, stopsAt(new StoppingRules.NoProgress(0, 3, true), flat, Double.NaN));
        // mini-batch: progress is beating the best, so a noisy history that never does stops
        double[] noisy = {5, 4, 4.5, 4.2, 4.1};
        assertEquals(5, stopsAt(new StoppingRules.NoProgress(1e-7, 3, false), noisy, Double.NaN));
    }

    @Test
    void aSmallGradientConverges() {
        assertEquals(FitStatus.CONVERGED, new StoppingRules.SmallGradient(1e-6).after(1, new double[] {1}, 1e-7, 1).status());
        assertNull(new StoppingRules.SmallGradient(1e-6).after(1, new double[] {1}, 1e-5, 1));
        assertNull(new StoppingRules.SmallGradient(1e-6).after(1, new double[] {1}, Double.NaN, 1), "mini-batches have no norm");
    }
}
