package dev.descent.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import org.junit.jupiter.api.Test;

/**
 * The oracle against a problem small enough to do by hand: X = [[1, 2], [3, 4]], y = [1, 0],
 * w = (0.5, -0.25), b = 0.1, so z = (0.1 + 0.5 - 0.5, 0.1 + 1.5 - 1) = (0.1, 0.6).
 */
class ReferenceBackendTest {
    private static final double EXACT = 1e-12;
    private static final float[] X = {1, 2, 3, 4};
    private static final float[] Y = {1, 0};

    private static ReferenceBackend backendFor(ModelKind kind, int outputs, double l2, double l1, float[] labels) {
        ReferenceBackend backend = new ReferenceBackend();
        backend.upload(Dataset.rowMajor(X, 2, 2, labels),
                new Problem(kind, outputs, 2, true, l2, l1, Optimizer.of(OptimizerKind.GD)));
        return backend;
    }

    @Test
    void linearObjectiveAndGradient() {
        ReferenceBackend backend = backendFor(ModelKind.LINEAR, 1, 0.2, 0.1, Y);
        backend.setParameters(new double[] {0.5, -0.25, 0.1});
        double[] g = new double[3];
        double f = backend.evaluate(g);
        // residuals z - y = (-0.9, 0.6); loss mean = (0.81 + 0.36) / 2 = 0.585
        // penalty = 0.1 * (0.25 + 0.0625) + 0.1 * 0.75 = 0.03125 + 0.075
        assertEquals(0.585 + 0.03125 + 0.075, f, EXACT);
        // r = 2 (z - y) = (-1.8, 1.2); g_w = (r . x_col) / 2 + l2 w = ((-1.8 + 3.6) / 2, (-3.6 + 4.8) / 2) + (0.1, -0.05)
        assertArrayEquals(new double[] {0.9 + 0.1, 0.6 - 0.05, -0.3}, g, EXACT);
    }

    @Test
    void logisticObjectiveAndGradient() {
        ReferenceBackend backend = backendFor(ModelKind.LOGISTIC, 1, 0, 0, Y);
        backend.setParameters(new double[] {0.5, -0.25, 0.1});
        double[] g = new double[3];
        double f = backend.evaluate(g);
        double loss0 = Math.log(1 + Math.exp(0.1)) - 0.1;
        double loss1 = Math.log(1 + Math.exp(0.6));
        assertEquals((loss0 + loss1) / 2, f, EXACT);
        double r0 = 1 / (1 + Math.exp(-0.1)) - 1;
        double r1 = 1 / (1 + Math.exp(-0.6));
        assertArrayEquals(new double[] {(r0 + 3 * r1) / 2, (2 * r0 + 4 * r1) / 2, (r0 + r1) / 2}, g, EXACT);
    }

    @Test
    void softmaxObjectiveAndGradient() {
        // two classes, labels as indices; second class's weights and intercept are 0, so z = ((0.1, 0), (0.6, 0))
        ReferenceBackend backend = backendFor(ModelKind.SOFTMAX, 2, 0, 0, Y);
        backend.setParameters(new double[] {0.5, -0.25, 0, 0, 0.1, 0});
        double[] g = new double[6];
        double f = backend.evaluate(g);
        double p0 = Math.exp(0.1) / (Math.exp(0.1) + 1);
        double p1 = Math.exp(0.6) / (Math.exp(0.6) + 1);
        // row 0 has label 1: loss = -log(1 - p0); row 1 has label 0: loss = -log(p1)
        assertEquals((-Math.log(1 - p0) - Math.log(p1)) / 2, f, EXACT);
        // r(row 0) = (p0, (1 - p0) - 1); r(row 1) = (p1 - 1, 1 - p1)
        double[] expected = {
            (p0 * 1 + (p1 - 1) * 3) / 2, (p0 * 2 + (p1 - 1) * 4) / 2,
            (-p0 * 1 + (1 - p1) * 3) / 2, (-p0 * 2 + (1 - p1) * 4) / 2,
            (p0 + p1 - 1) / 2, (-p0 + 1 - p1) / 2};
        assertArrayEquals(expected, g, EXACT);
    }

    @Test
    void sampleWeightsDivideBySumOfWeights() {
        ReferenceBackend backend = new ReferenceBackend();
        backend.upload(Dataset.rowMajor(X, 2, 2, Y).withSampleWeights(new float[] {3, 1}),
                new Problem(ModelKind.LINEAR, 1, 2, true, 0, 0, Optimizer.of(OptimizerKind.GD)));
        backend.setParameters(new double[] {0.5, -0.25, 0.1});
        // (3 * 0.81 + 1 * 0.36) / 4
        assertEquals((3 * 0.81 + 0.36) / 4, backend.evaluate(null), EXACT);
    }

    @Test
    void gramTimesIsWeightedSecondMoment() {
        ReferenceBackend backend = backendFor(ModelKind.LINEAR, 1, 0, 0, Y);
        double[] out = new double[3];
        backend.gramTimes(new double[] {1, 0, 0}, out);
        // (1/2) X1^T X1 e_1 = (1/2) (1*1 + 3*3, 1*2 + 3*4, 1 + 3)
        assertArrayEquals(new double[] {5, 7, 2}, out, EXACT);
    }
}
