package dev.descent.loss;

/**
 * Per-row loss and its derivative with respect to the linear output z, in double precision.
 * These formulas are the definition every backend is checked against.
 */
public final class Losses {
    private Losses() {
    }

    /** linear: loss = (z - y)^2. */
    public static double squaredError(double z, double y) {
        double residual = z - y;
        return residual * residual;
    }

    /** d/dz (z - y)^2 = 2 (z - y). */
    public static double squaredErrorDerivative(double z, double y) {
        return 2.0 * (z - y);
    }

    /**
     * logistic: loss = log(1 + e^z) - y z, written as max(z, 0) + log1p(e^-|z|) - y z so that
     * neither exp overflows nor log sees 0.
     */
    public static double logistic(double z, double y) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
    }

    /** d/dz logistic = sigmoid(z) - y. */
    public static double logisticDerivative(double z, double y) {
        return sigmoid(z) - y;
    }

    /** 1 / (1 + e^-z), without overflow for large |z|. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /**
     * softmax: loss = log(sum_c e^{z_c}) - z_label. Writes the class probabilities
     * p_c = e^{z_c} / sum e^{z} (the derivative is p_c - [c == label]) into {@code probabilities}.
     * Shifted by max z, so no exp overflows.
     */
    public static double softmax(double[] z, int classes, int label, double[] probabilities) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            probabilities[c] = Math.exp(z[c] - max);
            sum += probabilities[c];
        }
        for (int c = 0; c < classes; c++) {
            probabilities[c] /= sum;
        }
        return Math.log(sum) + max - z[label];
    }
}
