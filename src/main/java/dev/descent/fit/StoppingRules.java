package dev.descent.fit;

import static dev.descent.fit.StoppingRule.format;

import dev.descent.FitStatus;

/** The stopping rules of a fit, in the order {@link FitLoop} asks them. */
public final class StoppingRules {
    /**
     * "keeps rising": this many consecutive rises that end above the starting objective is divergence.
     * Rises below the start are left alone: an adaptive rule at a constant rate hovers near the optimum.
     */
    public static final int RISE_PATIENCE = 10;

    private StoppingRules() {
    }

    /** A non-finite objective, or one that rose {@link #RISE_PATIENCE} epochs in a row to above its start. */
    public static final class Divergence implements StoppingRule {
        private int rising;
        private double riseStart;

        @Override
        public Stop after(int epoch, double[] history, double gradientNorm, double rate) {
            double objective = history[epoch - 1];
            if (!Double.isFinite(objective)) {
                return new Stop(FitStatus.DIVERGED, "the objective became " + objective + " at epoch " + epoch
                        + " with learning rate " + format(rate) + "; try a smaller learning rate, e.g. " + format(rate / 10));
            }
            if (epoch > 1 && objective > history[epoch - 2]) {
                if (rising == 0) {
                    riseStart = history[epoch - 2];
                }
                rising++;
                if (rising >= RISE_PATIENCE && objective > history[0]) {
                    return new Stop(FitStatus.DIVERGED, "the objective rose for " + rising + " epochs in a row, from "
                            + format(riseStart) + " to " + format(objective) + " (above its start, " + format(history[0])
                            + "), with learning rate " + format(rate) + "; try a smaller learning rate, e.g. " + format(rate / 10));
                }
            } else {
                rising = 0;
            }
            return null;
        }
    }

    /**
     * No relative progress above {@code tolerance} for {@code patience} epochs. Full batch: the objective
     * moves deterministically, so progress is the change since the last epoch (momentum may sit above its
     * best while still descending). Mini-batch: the mean batch objective is noisy, so progress is beating
     * the best by tolerance (scikit-learn's rule). A tolerance of 0 turns the rule off.
     */
    public static final class NoProgress implements StoppingRule {
        private final double tolerance;
        private final int patience;
        private final boolean fullBatch;
        private double best = Double.POSITIVE_INFINITY;
        private int epochsWithoutProgress;

        public NoProgress(double tolerance, int patience, boolean fullBatch) {
            this.tolerance = tolerance;
            this.patience = patience;
            this.fullBatch = fullBatch;
        }

        @Override
        public Stop after(int epoch, double[] history, double gradientNorm, double rate) {
            double objective = history[epoch - 1];
            boolean progress = fullBatch
                    ? epoch == 1 || Math.abs(history[epoch - 2] - objective) > tolerance * Math.abs(objective)
                    : objective < best - tolerance * Math.abs(best);
            best = Math.min(best, objective);
            if (progress) {
                epochsWithoutProgress = 0;
            } else if (++epochsWithoutProgress >= patience && tolerance > 0) {
                return new Stop(FitStatus.CONVERGED, "the objective improved by less than " + format(tolerance)
                        + " (relative) for " + patience + " epochs");
            }
            return null;
        }
    }

    /** The norm of the proximal gradient mapping at or below {@code tolerance} (full batch; 0 turns it off). */
    public static final class SmallGradient implements StoppingRule {
        private final double tolerance;

        public SmallGradient(double tolerance) {
            this.tolerance = tolerance;
        }

        @Override
        public Stop after(int epoch, double[] history, double gradientNorm, double rate) {
            return gradientNorm <= tolerance ? new Stop(FitStatus.CONVERGED, "the gradient norm " + format(gradientNorm)
                    + " fell to the tolerance " + format(tolerance)) : null;
        }
    }
}
