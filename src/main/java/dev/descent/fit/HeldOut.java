package dev.descent.fit;

import dev.descent.backend.Backend;
import dev.descent.optim.DataTermSums;
import java.util.Arrays;
import java.util.Locale;

/**
 * Early stopping on held-out rows. After each epoch (first-order steps) or iteration (quasi-Newton) a
 * fit asks {@link #after} with its parameters: one pass over the held-out rows, uploaded to a backend of
 * their own, gives their mean loss L/S (the data term, without the penalty). When that has not fallen
 * below its best by more than {@link #RESOLUTION} for {@code patience} evaluations in a row, the fit
 * stops; either way it returns the parameters with the lowest held-out loss ({@link #bestParameters}).
 */
public final class HeldOut implements AutoCloseable {
    /** A relative fall smaller than this is the float32 rounding of the held-out sums, not an improvement. */
    static final double RESOLUTION = 1e-7;

    private final Backend backend;
    private final int patience;
    private final DataTermSums sums;
    private double[] history = new double[16];
    private int size;
    private double best = Double.POSITIVE_INFINITY;
    private double[] bestParameters;
    private int bestAt = -1;
    private int lastImprovement = -1;

    /** {@code backend} holds the held-out rows (uploaded with the fit's problem) and is closed with this. */
    public HeldOut(Backend backend, int patience) {
        this.backend = backend;
        this.patience = patience;
        this.sums = new DataTermSums(backend.problem().parameterCount());
    }

    /** The held-out loss at {@code parameters} (original coordinates) is recorded; true when the fit should stop. */
    public boolean after(double[] parameters) {
        backend.setParameters(parameters);
        backend.dataTermSums(sums);
        double loss = sums.lossSum() / sums.weightTotal();
        if (size == history.length) {
            history = Arrays.copyOf(history, 2 * size);
        }
        history[size] = loss;
        if (loss < best) {
            // the lowest loss gives the weights returned; only a fall beyond rounding resets the patience
            if (bestAt < 0 || loss < best - RESOLUTION * Math.abs(best)) {
                lastImprovement = size;
            }
            best = loss;
            bestParameters = parameters.clone();
            bestAt = size;
        }
        size++;
        return size - 1 - lastImprovement >= patience;
    }

    /** The held-out loss after each evaluation. */
    public double[] history() {
        return Arrays.copyOf(history, size);
    }

    /** The parameters with the lowest held-out loss, or null before the first evaluation. */
    public double[] bestParameters() {
        return bestParameters == null ? null : bestParameters.clone();
    }

    /** The evaluation (0-based: after epoch or iteration bestEvaluation() + 1) with the lowest held-out loss. */
    public int bestEvaluation() {
        return bestAt;
    }

    /** Why a fit stopped early, with {@code unit} "epoch" or "iteration". */
    String reason(String unit) {
        return String.format(Locale.ROOT, "the held-out loss did not improve for %d %ss; returning the weights of %s %d"
                + " (held-out loss %.6g)", patience, unit, unit, bestAt + 1, best);
    }

    /** A note for a fit that stopped by another rule, when its last weights were not the best held out. */
    String note(String unit) {
        return bestAt == size - 1 ? "" : String.format(Locale.ROOT, "; returning the weights of %s %d, which had the lowest"
                + " held-out loss (%.6g)", unit, bestAt + 1, best);
    }

    @Override
    public void close() {
        backend.close();
    }
}
