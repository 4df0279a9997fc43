package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The cpu backend's float32 logistic lane math ({@link LaneMath#logisticLanes}, whose exp and
 * log1p are written with adds, multiplies and FMAs so that compiled and not-yet-compiled code give
 * the same bits) against the same formulas in double with Math's exp and log1p.
 */
class LaneMathTest {
    /**
     * Per row, relative to the double result. The loss carries exp's 2 ulp and log1p's 3 through a
     * few float32 operations; the residual exp's 2 ulp and one division. 1e-6 is about 8 ulp: enough
     * for that, far below anything a fit could notice, and 1000x finer than the cancellation it
     * guards against (a residual of 1e-9 rounded to 0 would be off by 100%).
     */
    static final double RELATIVE = 1e-6;
    /**
     * Below this a loss or residual is compared absolutely: the float code takes e^-80 = 1.8e-35 for
     * anything smaller, and 1.8e-35 must stay within RELATIVE of this floor.
     */
    static final double ABSOLUTE = 1e-28;

    private static final int LANES = CpuTuning.SPECIES.length();

    /** The shifter's bits are written as a literal (so that the scalar twins need not load LaneMath): they must be its bits. */
    @Test
    void theRoundingShiftersBitsAreItsBits() {
        assertEquals(Float.floatToRawIntBits(LaneMath.ROUNDING_SHIFTER), LaneMath.ROUNDING_SHIFTER_BITS);
    }

    @Test
    void lossAndResidualMatchDoubleOverTheRangeOfZ() {
        float[] lanes = new float[LaneScratch.RESIDUAL_SUM_AT + LANES];
        int zAt = LaneScratch.Z_AT;
        double worstLoss = 0;
        double worstResidual = 0;
        String worstLossAt = "";
        String worstResidualAt = "";
        for (int step = 0; step <= 400_000; step += LANES) {
            double expected = 0;
            double[] expectedResidual = new double[LANES];
            // The two halves of a group in turn: the second vector's lanes start LANES in.
            int first = (step / LANES & 1) * LANES;
            float firstZ = 0;
            for (int lane = 0; lane < LANES; lane++) {
                // z from -100 to 100, denser near 0; labels alternate; weights 1 or 0.5.
                double u = (step + lane) / 200_000.0 - 1;
                float z = (float) (100 * u * u * u);
                float label = (lane & 1);
                float weight = (lane % 3 == 0) ? 0.5f : 1f;
                lanes[zAt + first + lane] = z;
                firstZ = lane == 0 ? z : firstZ;
                lanes[LaneScratch.LABEL_AT + first + lane] = label;
                lanes[LaneScratch.WEIGHT_AT + first + lane] = weight;
                double e = Math.exp(-Math.abs((double) z));
                double loss = Math.max(z, 0) - label * (double) z + Math.log1p(e);
                expected += weight * loss;
                double sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                // sigmoid(z) - y without cancellation, as the float code does, but in double.
                expectedResidual[lane] = weight * (label == 1 ? -(z >= 0 ? e / (1 + e) : 1 / (1 + e)) : sigmoid);
            }
            java.util.Arrays.fill(lanes, LaneScratch.LOSS_AT, LaneScratch.RESIDUAL_SUM_AT + LANES, 0f);
            LaneMath.logisticLanes(lanes, first, 0f);
            double actual = LaneScratch.laneSum(lanes, LaneScratch.LOSS_AT);
            double lossError = Math.abs(actual - expected) / Math.max(Math.abs(expected), ABSOLUTE);
            if (lossError > worstLoss) {
                worstLoss = lossError;
                worstLossAt = "rows from z = " + firstZ;
            }
            for (int lane = 0; lane < LANES; lane++) {
                double error = Math.abs(lanes[zAt + first + lane] - expectedResidual[lane])
                        / Math.max(Math.abs(expectedResidual[lane]), ABSOLUTE);
                if (error > worstResidual) {
                    worstResidual = error;
                    worstResidualAt = "expected " + expectedResidual[lane];
                }
                // The running residual sums (the intercept's gradient) start at zero, so they hold the residuals.
                assertEquals(lanes[zAt + first + lane], lanes[LaneScratch.RESIDUAL_SUM_AT + lane], 0f);
            }
        }
        assertTrue(worstLoss <= RELATIVE, "loss off by " + worstLoss + " relative (" + worstLossAt + ")");
        assertTrue(worstResidual <= RELATIVE, "residual off by " + worstResidual + " relative (" + worstResidualAt + ")");
    }

    @Test
    void aWellClassifiedRowKeepsItsTinyResidual() {
        float[] lanes = new float[LaneScratch.RESIDUAL_SUM_AT + LANES];
        int zAt = LaneScratch.Z_AT;
        for (int lane = 0; lane < LANES; lane++) {
            lanes[zAt + lane] = 30f;             // sigmoid(30) - 1 = -9.4e-14: 1 - sigmoid in float32 would be 0
            lanes[LaneScratch.LABEL_AT + lane] = 1f;
            lanes[LaneScratch.WEIGHT_AT + lane] = 1f;
        }
        LaneMath.logisticLanes(lanes, 0, 0f);
        double expected = -Math.exp(-30) / (1 + Math.exp(-30));
        assertEquals(expected, lanes[zAt], Math.abs(expected) * RELATIVE);
    }
}
