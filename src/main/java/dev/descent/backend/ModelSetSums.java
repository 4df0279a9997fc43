package dev.descent.backend;

import dev.descent.optim.DataTermSums;

/**
 * Many models of one loss over the same uploaded rows, their data-term sums in one pass over X: a
 * regularization path (one model per strength), cross-validation (each model blind to one fold of rows),
 * or both. A backend offers it by implementing this interface; a fit of many models on any other backend
 * fits them one by one.
 *
 * <p>Lifecycle: {@link Backend#upload} with the one-model problem (one output, a one-output loss), then any
 * number of {@link #modelSetSums} calls. Model m has its own parameters, d weights then its intercept, in
 * original coordinates, and counts row i with its sample weight s_i, or not at all when
 * {@code folds[i] == heldOutFold[m]}. Each model's sums are those of a one-model pass over the rows it
 * counts, whatever the other models are: only the rounding of float32 differs. With {@code onlyHeldOut} each
 * model counts the rows of its held-out fold instead (its loss on rows it did not see).
 */
public interface ModelSetSums {

    /** Whether the uploaded data can be evaluated as a model set (the cpu backend: dense rows). */
    boolean takesModelSets();

    /**
     * Writes into {@code out[m]}, for every m with {@code active[m]}, the sums S_m, L_m and G_m of model m
     * at {@code parameters[m]}; inactive models are not computed and their sums are left as they are.
     *
     * @param folds       each row's fold (0..127), or null: every model counts every row
     * @param heldOutFold per model, the fold it does not count (ignored without folds; -1: none)
     * @param onlyHeldOut count each model's held-out fold only, instead of every other row
     */
    void modelSetSums(double[][] parameters, boolean[] active, byte[] folds, int[] heldOutFold, boolean onlyHeldOut,
                      DataTermSums[] out);
}
