package dev.descent.backend;

import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;

/**
 * Many models of one loss over the same uploaded rows, their data-term sums in one pass over X: a
 * regularization path (one model per strength), cross-validation (each model blind to one fold of rows),
 * one-vs-rest (one binary model per class), or several at once. A backend offers it by implementing this
 * interface; a fit of many models on any other backend fits them one by one.
 *
 * <p>Lifecycle: {@link #takesModelSets}, then {@link Backend#upload} with the one-model problem (one output, a
 * one-output loss), then any
 * number of {@link #modelSetSums} calls. Model m has its own parameters, d weights then its intercept, in
 * original coordinates; which rows it counts and with which labels is the {@link ModelSet}'s to say. Each
 * model's sums are those of a one-model pass over its rows, whatever the other models are: only the
 * rounding of float32 differs.
 */
public interface ModelSetSums {

    /**
     * Which rows each model counts and which labels it sees.
     *
     * @param folds         each row's fold (0..127), or null: every model counts every row
     * @param heldOutFold   per model, the fold it does not count (ignored without folds; -1: none)
     * @param onlyHeldOut   each model counts the rows of its held-out fold only (its loss on rows it did not see)
     * @param positiveLabel per model, the uploaded label that is its 1 (every other label its 0: one-vs-rest on
     *                      class indices), NaN for the labels as uploaded; null: NaN for every model
     */
    record ModelSet(byte[] folds, int[] heldOutFold, boolean onlyHeldOut, float[] positiveLabel) {
        /** Every model counts every row with the labels as uploaded. */
        public static final ModelSet ALL_ROWS = new ModelSet(null, null, false, null);

        /** Model m counts row i. */
        public boolean counts(int m, int i) {
            return folds == null || heldOutFold[m] < 0 || (folds[i] == heldOutFold[m]) == onlyHeldOut;
        }

        /** Model m's label for an uploaded label. */
        public float label(int m, float uploaded) {
            if (positiveLabel == null || Float.isNaN(positiveLabel[m])) {
                return uploaded;
            }
            return uploaded == positiveLabel[m] ? 1f : 0f;
        }
    }

    /**
     * Whether {@code rows}, as they are held (sparse, dense float32 or float64), can be evaluated as a model set (the
     * cpu backend: dense float32 rows only); asked before the upload, so that rows it cannot take are not uploaded
     * for nothing.
     */
    boolean takesModelSets(Dataset rows);

    /**
     * Writes into {@code out[m]}, for every m with {@code active[m]}, the sums S_m, L_m and G_m of model m
     * at {@code parameters[m]} over the rows it counts; inactive models are not computed and their sums are
     * left as they are.
     */
    void modelSetSums(ModelSet set, double[][] parameters, boolean[] active, DataTermSums[] out);
}
