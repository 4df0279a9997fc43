package dev.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.ModelKind;
import org.junit.jupiter.api.Test;

/**
 * Each update rule on one weight, two steps, against values worked out by hand from the formulas
 * in ParameterUpdate's comment (the reference can be wrong too). Gradients g1 = 2, g2 = -1, lr = 0.1,
 * start w = 1, no intercept.
 */
class ParameterUpdateTest {
    /** The hand values are exact decimals, so only double rounding separates them. */
    private static final double EXACT = 1e-12;
    private static final double EPSILON = Optimizer.DEFAULT_EPSILON;

    private static double[] twoSteps(OptimizerKind kind, double l1) {
        Problem problem = new Problem(ModelKind.LINEAR, 1, 1, false, 0, l1, Optimizer.of(kind));
        ParameterUpdate update = new ParameterUpdate(problem);
        update.start(new double[] {1.0, 0.0});
        double[] w = {1.0, 0.0};
        double first = update.apply(w, new double[] {2.0, 0}, 0.1);
        double afterOne = w[0];
        update.apply(w, new double[] {-1.0, 0}, 0.1);
        return new double[] {afterOne, w[0], first};
    }

    @Test
    void gradientDescent() {
        // w1 = 1 - 0.1*2 = 0.8; w2 = 0.8 + 0.1 = 0.9
        double[] w = twoSteps(OptimizerKind.GD, 0);
        assertEquals(0.8, w[0], EXACT);
        assertEquals(0.9, w[1], EXACT);
        assertEquals(2.0, w[2], EXACT, "gradient mapping norm is |g| without l1");
    }

    @Test
    void momentum() {
        // v1 = 2, w1 = 0.8; v2 = 0.9*2 - 1 = 0.8, w2 = 0.8 - 0.08 = 0.72
        double[] w = twoSteps(OptimizerKind.MOMENTUM, 0);
        assertEquals(0.8, w[0], EXACT);
        assertEquals(0.72, w[1], EXACT);
    }

    @Test
    void nesterov() {
        // v1 = 2, w1 = 1 - 0.1*(2 + 1.8) = 0.62; v2 = 0.8, w2 = 0.62 - 0.1*(-1 + 0.72) = 0.648
        double[] w = twoSteps(OptimizerKind.NESTEROV, 0);
        assertEquals(0.62, w[0], EXACT);
        assertEquals(0.648, w[1], EXACT);
    }

    @Test
    void adagrad() {
        // a1 = 4, w1 = 1 - 0.1*2/(2 + eps); a2 = 5, w2 = w1 + 0.1/(sqrt(5) + eps)
        double[] w = twoSteps(OptimizerKind.ADAGRAD, 0);
        double w1 = 1 - 0.2 / (2 + EPSILON);
        assertEquals(w1, w[0], EXACT);
        assertEquals(w1 + 0.1 / (Math.sqrt(5) + EPSILON), w[1], EXACT);
    }

    @Test
    void rmsprop() {
        // a1 = 0.1*4 = 0.4, w1 = 1 - 0.2/sqrt(0.4); a2 = 0.36 + 0.1 = 0.46, w2 = w1 + 0.1/sqrt(0.46)
        double[] w = twoSteps(OptimizerKind.RMSPROP, 0);
        double w1 = 1 - 0.2 / (Math.sqrt(0.4) + EPSILON);
        assertEquals(w1, w[0], EXACT);
        assertEquals(w1 + 0.1 / (Math.sqrt(0.46) + EPSILON), w[1], EXACT);
    }

    @Test
    void adam() {
        // m1 = 0.2, v1 = 0.004, m^ = 2, v^ = 4: w1 = 1 - 0.1*2/2 = 0.9
        // m2 = 0.18 - 0.1 = 0.08, v2 = 0.003996 + 0.001 = 0.004996; m^ = 0.08/0.19, v^ = 0.004996/0.001999
        double[] w = twoSteps(OptimizerKind.ADAM, 0);
        double w1 = 1 - 0.1 * 2 / (2 + EPSILON);
        assertEquals(w1, w[0], EXACT);
        double mHat = 0.08 / (1 - 0.81);
        double vHat = 0.004996 / (1 - 0.999 * 0.999);
        assertEquals(w1 - 0.1 * mHat / (Math.sqrt(vHat) + EPSILON), w[1], EXACT);
    }

    @Test
    void l1SoftThresholdAfterTheStep() {
        // gd then prox with threshold lr*l1 = 0.05: w1 = 0.8 - 0.05 = 0.75; w2 = 0.85 - 0.05 = 0.8
        double[] w = twoSteps(OptimizerKind.GD, 0.5);
        assertEquals(0.75, w[0], EXACT);
        assertEquals(0.8, w[1], EXACT);
        // mapping: (1 - soft(1 - 0.2, 0.05)) / 0.1 = (1 - 0.75) / 0.1 = 2.5
        assertEquals(2.5, w[2], EXACT);
    }

    @Test
    void softThresholdGivesExactZeros() {
        assertEquals(0.0, ParameterUpdate.softThreshold(0.3, 0.5));
        assertEquals(0.0, ParameterUpdate.softThreshold(-0.5, 0.5));
        assertEquals(-0.25, ParameterUpdate.softThreshold(-0.75, 0.5), EXACT);
    }

    /** T maps standardized to original coordinates; T^T maps gradients back: <T^T g, v> = <g, T v>. */
    @Test
    void coordinateChangeRoundTripsAndItsTransposeIsTheAdjoint() {
        Problem problem = new Problem(ModelKind.SOFTMAX, 2, 3, true, 0, 0, Optimizer.of(OptimizerKind.GD),
                new double[] {5, -2, 0.5}, new double[] {10, 0.1, 1});
        double[] original = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] scaled = new double[8];
        double[] back = new double[8];
        Coordinates.toScaled(problem, original, scaled);
        Coordinates.toOriginal(problem, scaled, back);
        for (int j = 0; j < 8; j++) {
            assertEquals(original[j], back[j], 1e-12);
        }
        double[] g = {0.3, -1, 2, 0.5, 0.25, -0.75, 1.5, -2};
        double[] v = {1, -1, 0.5, 2, -0.5, 1, 0.25, 3};
        double[] tv = new double[8];
        double[] ttg = new double[8];
        Coordinates.toOriginal(problem, v, tv);
        Coordinates.transposeToScaled(problem, g, ttg);
        double left = 0;
        double right = 0;
        for (int j = 0; j < 8; j++) {
            left += ttg[j] * v[j];
            right += g[j] * tv[j];
        }
        assertEquals(right, left, 1e-12);
    }
}
