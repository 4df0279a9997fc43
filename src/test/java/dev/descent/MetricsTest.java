package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The classifier scores against hand-computed values (scikit-learn's roc_auc_score and f1_score agree on them). */
class MetricsTest {
    @Test
    void rocAucCountsPairsWithTiesAsHalves() {
        float[] truth = {0, 0, 1, 1};
        // pairs (positive, negative): 0.35 > 0.1, 0.35 < 0.4, 0.8 > 0.1, 0.8 > 0.4: 3 of 4
        assertEquals(0.75, Metrics.rocAuc(truth, new double[] {0.1, 0.4, 0.35, 0.8}, 1), 1e-15);
        // a tie between a positive and a negative counts one half: (1 + 0.5 + 1 + 1) / 4
        assertEquals(0.875, Metrics.rocAuc(truth, new double[] {0.1, 0.4, 0.4, 0.8}, 1), 1e-15);
        assertEquals(1.0, Metrics.rocAuc(truth, new double[] {0, 0.1, 0.2, 0.3}, 1), 1e-15);
        assertTrue(Double.isNaN(Metrics.rocAuc(new float[] {1, 1}, new double[] {0.2, 0.3}, 1)), "one class only");
    }

    /** scikit-learn 1.2's d2_tweedie_score(power=1), mean_poisson_deviance and mean_absolute_error on the same rows. */
    @Test
    void poissonScoresAndMeanAbsoluteErrorMatchScikitLearn() {
        float[] counts = {0, 1, 3, 2, 5};
        double[] means = {0.5, 1.2, 2.5, 2.0, 4.0};
        assertEquals(0.8322701534004184, Metrics.poissonD2(counts, means), 1e-14);
        assertEquals(0.27214434806358306, Metrics.meanPoissonDeviance(counts, means), 1e-14);
        assertEquals(0.44000000000000006, Metrics.meanAbsoluteError(counts, means), 1e-14);
        assertEquals(1.0, Metrics.poissonD2(counts, new double[] {1e-300, 1, 3, 2, 5}), 1e-12, "a perfect fit");
    }

    @Test
    void confusionMatrixAndF1() {
        float[] truth = {0, 0, 1, 1, 2, 2};
        double[] predicted = {0, 1, 1, 1, 2, 0};
        long[][] confusion = Metrics.confusionMatrix(truth, predicted, new double[] {0, 1, 2});
        assertArrayEquals(new long[] {1, 1, 0}, confusion[0]);
        assertArrayEquals(new long[] {0, 2, 0}, confusion[1]);
        assertArrayEquals(new long[] {1, 0, 1}, confusion[2]);
        // class 0: TP 1, FP 1, FN 1 -> 0.5; class 1: TP 2, FP 1, FN 0 -> 0.8; class 2: TP 1, FP 0, FN 1 -> 2/3
        assertArrayEquals(new double[] {0.5, 0.8, 2.0 / 3}, Metrics.f1(confusion), 1e-15);
        assertEquals((0.5 + 0.8 + 2.0 / 3) / 3, Metrics.macroF1(confusion), 1e-15);
    }
}
