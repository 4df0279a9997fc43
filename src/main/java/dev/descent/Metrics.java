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

    /** Mean absolute error: (1/n) sum |yhat - y|. */
    public static double meanAbsoluteError(float[] truth, double[] predicted) {
        requireSameLength(truth.length, predicted.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            sum += Math.abs(predicted[i] - truth[i]);
        }
        return sum / truth.length;
    }

    /** Mean Poisson deviance (1/n) sum 2 (y log(y / mu) - y + mu), as scikit-learn's mean_poisson_deviance. */
    public static double meanPoissonDeviance(float[] truth, double[] mean) {
        requireSameLength(truth.length, mean.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            sum += poissonUnitDeviance(truth[i], mean[i]);
        }
        return sum / truth.length;
    }

    /** Coefficient of determination: 1 - SS_res / SS_tot (1 is perfect; 0 is predicting the mean). */
    public static double r2(float[] truth, double[] predicted) {
        requireSameLength(truth.length, predicted.length);
        double mean = mean(truth);
        double residual = 0;
        double total = 0;
        for (int i = 0; i < truth.length; i++) {
            residual += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            total += (truth[i] - mean) * (truth[i] - mean);
        }
        return explained(residual, total);
    }

    /**
     * D^2 of a Poisson model, 1 - D(y, mu) / D(y, mean y) with the Poisson deviance
     * D(y, mu) = 2 sum (y log(y / mu) - y + mu): the fraction of deviance explained (1 is perfect; 0 is
     * predicting the mean), as scikit-learn's {@code d2_tweedie_score} with power 1. Means must be positive.
     */
    public static double poissonD2(float[] truth, double[] mean) {
        requireSameLength(truth.length, mean.length);
        double average = mean(truth);
        double deviance = 0;
        double nullDeviance = 0;
        for (int i = 0; i < truth.length; i++) {
            deviance += poissonUnitDeviance(truth[i], mean[i]);
            nullDeviance += poissonUnitDeviance(truth[i], average);
        }
        return explained(deviance, nullDeviance);
    }

    /** 1 - unexplained / total: the share a model explains (1 when the labels are constant and it misses none, 0 when it misses any). */
    private static double explained(double unexplained, double total) {
        return total == 0 ? (unexplained == 0 ? 1.0 : 0.0) : 1 - unexplained / total;
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** 2 (y log(y / mu) - y + mu), with 0 log 0 = 0. */
    private static double poissonUnitDeviance(double y, double mu) {
        return 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - y + mu);
    }

    /**
     * Area under the ROC curve of a binary classifier: the probability that a random row of class
     * {@code positive} scores above a random row of the other class, ties counting one half (the
     * Mann-Whitney statistic, as scikit-learn's roc_auc_score). NaN when either class is absent.
     */
    public static double rocAuc(float[] truth, double[] scores, double positive) {
        requireSameLength(truth.length, scores.length);
        int positives = 0;
        for (float label : truth) {
            positives += label == positive ? 1 : 0;
        }
        int negatives = truth.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        // the two classes' scores sorted apart (primitive sorts, no boxing), then one merge counts the
        // negatives below each positive score and those tied with it
        double[] positiveScores = new double[positives];
        double[] negativeScores = new double[negatives];
        for (int i = 0, p = 0, n = 0; i < truth.length; i++) {
            if (truth[i] == positive) {
                positiveScores[p++] = scores[i];
            } else {
                negativeScores[n++] = scores[i];
            }
        }
        java.util.Arrays.sort(positiveScores);
        java.util.Arrays.sort(negativeScores);
        double pairs = 0;
        int below = 0;
        for (double score : positiveScores) {
            while (below < negatives && negativeScores[below] < score) {
                below++;
            }
            int tied = below;
            while (tied < negatives && negativeScores[tied] == score) {
                tied++;
            }
            pairs += below + 0.5 * (tied - below);
        }
        return pairs / ((double) positives * negatives);
    }

    /**
     * Counts of rows by true class (row) and predicted class (column), classes in the order given.
     * Labels outside {@code classes} are not counted.
     */
    public static long[][] confusionMatrix(float[] truth, double[] predicted, double[] classes) {
        requireSameLength(truth.length, predicted.length);
        long[][] counts = new long[classes.length][classes.length];
        for (int i = 0; i < truth.length; i++) {
            int t = java.util.Arrays.binarySearch(classes, truth[i]);
            int p = java.util.Arrays.binarySearch(classes, predicted[i]);
            if (t >= 0 && p >= 0) {
                counts[t][p]++;
            }
        }
        return counts;
    }

    /**
     * F1 of each class from a confusion matrix, 2 TP / (2 TP + FP + FN); 0 for a class never true and
     * never predicted.
     */
    public static double[] f1(long[][] confusion) {
        int k = confusion.length;
        double[] f1 = new double[k];
        for (int c = 0; c < k; c++) {
            long truePositives = confusion[c][c];
            long actual = 0;
            long predicted = 0;
            for (int o = 0; o < k; o++) {
                actual += confusion[c][o];
                predicted += confusion[o][c];
            }
            long denominator = actual + predicted;
            f1[c] = denominator == 0 ? 0 : 2.0 * truePositives / denominator;
        }
        return f1;
    }

    /** The mean of the classes' F1 (scikit-learn's f1_score with average="macro"). */
    public static double macroF1(long[][] confusion) {
        double sum = 0;
        for (double value : f1(confusion)) {
            sum += value;
        }
        return sum / confusion.length;
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
