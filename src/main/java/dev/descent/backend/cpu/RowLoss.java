package dev.descent.backend.cpu;

import dev.descent.loss.Loss;

/**
 * One row's weighted loss and residual in double, for the cpu kernels' scalar paths: the loss table's
 * formulas for linear and logistic written fused (one exp for both the logistic loss and its residual,
 * and log for log1p, which is not a JIT intrinsic), the Gram pass's r = s z, and any other loss of the
 * table through {@link Loss#value} and {@link Loss#derivative}. BackendAgreementTest holds them to the table.
 */
final class RowLoss {
    private RowLoss() {
    }

    /** The loss table's codes of the losses with kernels of their own here; any other one-output loss takes the general path. */
    static final int LOSS_LINEAR = Loss.LINEAR.kernelCode();

    static final int LOSS_LOGISTIC = Loss.LOGISTIC.kernelCode();

    /** Not a loss: r = z, used by {@link CpuBackend#gramTimes} to compute X^T S X v with the same pass. */
    static final int PASS_GRAM = Loss.GRAM_PASS_CODE;

    /**
     * s_i * dloss/dz for row i at linear output z; writes s_i * loss into lossOut[slot]. Logistic
     * uses one exp for both: with e = exp(-|z|), softplus(z) = max(z, 0) + log1p(e) and
     * sigmoid(z) = 1 / (1 + e) or e / (1 + e).
     */
    static double weighted(int code, double parameter, double z, int row, float[] labels, float[] s, double[] lossOut,
                           int slot) {
        double sampleWeight = s == null ? 1.0 : s[row];
        double residual;
        double loss;
        if (code == LOSS_LINEAR) {
            double error = z - labels[row];
            loss = error * error;
            residual = 2 * error;
        } else if (code == LOSS_LOGISTIC) {
            double label = labels[row];
            double e = Math.exp(-Math.abs(z));
            loss = Math.max(z, 0) + log1pSmall(e) - label * z;
            residual = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - label;
        } else if (code == PASS_GRAM) {
            loss = 0;
            residual = z;
        } else {
            Loss general = Loss.ofKernelCode(code);
            loss = general.value(z, labels[row], parameter);
            residual = general.derivative(z, labels[row], parameter);
        }
        lossOut[slot] = sampleWeight * loss;
        return sampleWeight * residual;
    }

    /**
     * A row's k weighted residuals s_i r into {@code r[offset ..]} at its outputs {@code z[offset ..]}: the Gram
     * pass's r = z ({@code gram}), a one-output loss's dloss/dz (its value and derivative from one exp), or
     * softmax's p - onehot(label); returns s_i loss (0 for the Gram pass). For the plain-double passes over sparse
     * and float64 rows.
     */
    static double weightedResiduals(boolean gram, Loss loss, double lossParameter, double[] z, int offset, int k,
                                    float label, double weight, double[] r, double[] probabilities) {
        if (gram) {
            r[offset] = weight * z[offset];
            return 0;
        }
        if (loss.pointwise()) {
            double value = loss.valueAndDerivative(z[offset], label, lossParameter, r, offset);
            r[offset] *= weight;
            return weight * value;
        }
        int classIndex = (int) label;
        double value = Loss.softmax(z, offset, k, classIndex, probabilities);
        for (int c = 0; c < k; c++) {
            r[offset + c] = weight * (probabilities[c] - (c == classIndex ? 1 : 0));
        }
        return weight * value;
    }

    /**
     * log(1 + e) for e in [0, 1]: Math.log1p is not a JIT intrinsic and costs tens of nanoseconds,
     * Math.log is. Below 1e-4 the series e - e^2/2 + e^3/3 is exact to double rounding; above it,
     * the rounding of 1 + e (2^-53 absolute) is under 1e-12 of the result.
     */
    static double log1pSmall(double e) {
        return e < 1e-4 ? e * (1 - e * (0.5 - e / 3)) : Math.log(1 + e);
    }
}
