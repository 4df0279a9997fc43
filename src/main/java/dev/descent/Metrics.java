package dev.descent;

/** Standard scores of predictions against true labels. */
public final class Metrics {
    /** Probabilities are clipped to [EPS, 1 - EPS] in the log-loss, as scikit-learn does, so a confident miss costs ~34.5, not infinity. */
    private static final double LOG_LOSS_CLIP = 1e-15;

    private Metrics() {
    }

    /** Mean squared error: (1/n) sum (yhat - y)^2. */
    public static double meanSquaredError(float[] truth, double[] predicted) {
        requireSameLength(truth.length, predicted.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double e = predicted[i] - truth[i];
            sum += e * e;
        }
        return sum / truth.length;
    }

    /** Coefficient of determination: 1 - SS_res / SS_tot (1 is perfect; 0 is predicting the mean). */
    public static double r2(float[] truth, double[] predicted) {
        requireSameLength(truth.length, predicted.length);
        double mean = 0;
        for (float t : truth) {
            mean += t;
        }
        mean /= truth.length;
        double residual = 0;
        double total = 0;
        for (int i = 0; i < truth.length; i++) {
            residual += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            total += (truth[i] - mean) * (truth[i] - mean);
        }
        return total == 0 ? (residual == 0 ? 1.0 : 0.0) : 1 - residual / total;
    }

    /** Fraction of rows whose predicted label equals the true one. */
    public static double accuracy(float[] truth, double[] predicted) {
        requireSameLength(truth.length, predicted.length);
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                right++;
            }
        }
        return (double) right / truth.length;
    }

    /**
     * Mean cross-entropy -(1/n) sum log p_i[true class], where {@code probabilities[i][c]} belongs
     * to {@code classes[c]}.
     */
    public static double logLoss(float[] truth, double[][] probabilities, double[] classes) {
        requireSameLength(truth.length, probabilities.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            int c = java.util.Arrays.binarySearch(classes, truth[i]);
            if (c < 0) {
                throw new InvalidInputException("row index " + i + ": label " + truth[i] + " is not one of the model's classes");
            }
            double p = Math.min(1 - LOG_LOSS_CLIP, Math.max(LOG_LOSS_CLIP, probabilities[i][c]));
            sum -= Math.log(p);
        }
        return sum / truth.length;
    }

    private static void requireSameLength(int truth, int predicted) {
        if (truth != predicted) {
            throw new InvalidInputException("there are " + truth + " labels but " + predicted + " predictions");
        }
    }
}
