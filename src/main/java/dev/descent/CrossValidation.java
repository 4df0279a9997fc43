package dev.descent;

import java.util.Locale;

/**
 * What {@link Fitter#crossValidate} found: each l2 value's held-out loss per fold and on average, the value of
 * lowest average, and the model fitted on every row at that value.
 *
 * @param grid            the l2 values, increasing
 * @param folds           the number of folds
 * @param heldOutLoss     (values, folds): the mean loss of each fold's rows under the model fitted without them
 * @param meanHeldOutLoss per value, the mean over the folds
 * @param best            the index of the value of lowest mean held-out loss
 * @param model           the fit on every row at {@code grid[best]}
 * @param sharedPasses    whether the fits shared their passes over X (the cpu and reference backends on dense rows)
 */
public record CrossValidation(double[] grid, int folds, double[][] heldOutLoss, double[] meanHeldOutLoss, int best,
                              FitResult model, boolean sharedPasses) {

    /** The chosen l2. */
    public double bestL2() {
        return grid[best];
    }

    /** One line per value: l2, the mean held-out loss and its spread over the folds; the chosen one marked. */
    public String table() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%12s  %-16s %-12s%n", "l2",
                "held-out loss", "(fold range)"));
        for (int v = 0; v < grid.length; v++) {
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (double loss : heldOutLoss[v]) {
                low = Math.min(low, loss);
                high = Math.max(high, loss);
            }
            text.append(String.format(Locale.ROOT, "%12.4g  %-16.8g %.6g..%.6g%s%n", grid[v], meanHeldOutLoss[v], low, high,
                    v == best ? "  <- best" : ""));
        }
        return text.toString();
    }
}
