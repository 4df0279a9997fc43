package dev.descent.fit;

import dev.descent.FitStatus;

/**
 * A rule that may end a fit after an epoch. Rules keep their own state across epochs; {@link FitLoop}
 * asks them in a fixed order and stops at the first that answers.
 */
public interface StoppingRule {

    /** Why a rule stopped the fit. */
    record Stop(FitStatus status, String reason) {
    }

    /**
     * Whether to stop after this epoch. {@code history} holds the objectives of epochs 0 .. epoch - 1
     * (so history[epoch - 1] is this one's); {@code gradientNorm} is NaN where the epoch did not compute
     * one (mini-batches). Returns null to go on.
     */
    Stop after(int epoch, double[] history, double gradientNorm, double learningRate);

    static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }
}
