package dev.descent.loss;

import java.util.Locale;

/**
 * The table of losses: for each, its value and derivative with respect to the linear output z in
 * double precision (the definition every backend is checked against), the labels it accepts, the link
 * that turns z into a prediction, the bound on its curvature that sets the learning rate, and its
 * kernel code.
 *
 * <p>Kernel codes are assigned here, once: the GPU kernels name them {@code DESCENT_<NAME>} in
 * {@code kernels/descent_math.h}, and {@code LossTableTest} fails the build when the two disagree.
 * Adding a loss that is a function of one output (as {@link #HUBER}) is one entry here, one function pair
 * in descent_math.h with its line in {@code descent_weighted_residual}, and tests: every backend takes
 * such a loss through its general path ({@link #value} and {@link #derivative} on the cpu).
 *
 * <p>Some losses take a parameter (Huber's delta), carried by the problem beside the loss; the others
 * ignore it.
 */
public enum Loss {
    /** (z - y)^2, any finite label; prediction z. */
    LINEAR(0, Labels.ANY_FINITE, Link.IDENTITY) {
        @Override
        public double value(double z, double y, double parameter) {
            double residual = z - y;
            return residual * residual;
        }

        @Override
        public double derivative(double z, double y, double parameter) {
            return 2.0 * (z - y);
        }

        @Override
        public double curvatureBound(double parameter) {
            return 2.0;
        }
    },

    /**
     * Binary cross-entropy log(1 + e^z) - y z with labels 0 and 1, written as max(z, 0) + log1p(e^-|z|) - y z
     * so that neither exp overflows nor log sees 0; derivative sigmoid(z) - y, at most 1/4 curvature.
     */
    LOGISTIC(1, Labels.BINARY, Link.SIGMOID) {
        @Override
        public double value(double z, double y, double parameter) {
            return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
        }

        @Override
        public double derivative(double z, double y, double parameter) {
            return sigmoid(z) - y;
        }

        /** One exp for both: e^-|z| is the exp of the value's log1p and of {@link #sigmoid} (same bits as the two calls). */
        @Override
        public double valueAndDerivative(double z, double y, double parameter, double[] derivative, int at) {
            double e = Math.exp(-Math.abs(z));
            derivative[at] = (z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - y;
            return Math.max(z, 0.0) + Math.log1p(e) - y * z;
        }

        @Override
        public double curvatureBound(double parameter) {
            return 0.25;
        }
    },

    /**
     * Multinomial cross-entropy log(sum_c e^{z_c}) - z_label over k outputs, labels the class indices
     * 0..k-1; the Hessian of log-sum-exp is at most 1/2. A function of all k outputs: see {@link #softmax}.
     */
    SOFTMAX(2, Labels.CLASS_INDEX, Link.SOFTMAX) {
        @Override
        public double curvatureBound(double parameter) {
            return 0.5;
        }
    },

    /**
     * Huber's loss with delta = the parameter (> 0), e = z - y: e^2 / 2 where |e| {@literal <=} delta, else
     * delta (|e| - delta / 2); derivative e clipped to [-delta, delta], curvature at most 1. Any
     * finite label; prediction z. Squared near the fit, linear in the outliers' residuals.
     */
    HUBER(4, Labels.ANY_FINITE, Link.IDENTITY) {
        @Override
        public double value(double z, double y, double parameter) {
            double e = Math.abs(z - y);
            return e <= parameter ? 0.5 * e * e : parameter * (e - 0.5 * parameter);
        }

        @Override
        public double derivative(double z, double y, double parameter) {
            return Math.max(-parameter, Math.min(parameter, z - y));
        }

        @Override
        public double curvatureBound(double parameter) {
            return 1.0;
        }

        @Override
        public double defaultParameter() {
            return 1.0;
        }

        @Override
        public void checkParameter(double parameter) {
            if (!(parameter > 0) || Double.isInfinite(parameter)) {
                throw new IllegalArgumentException("huber's delta must be positive and finite, got " + parameter);
            }
        }
    },

    /**
     * Poisson regression with a log link: half the Poisson deviance, y log(y / e^z) - y + e^z (0 log 0 = 0),
     * written y (log y - z) + (e^z - y) so that both terms are small near the fit; derivative e^z - y.
     * Labels are counts or rates, any finite y {@literal >=} 0; prediction e^z. Its value is scikit-learn's
     * {@code PoissonRegressor} objective term, so objectives compare as they are. The curvature e^z has no
     * bound: {@link #curvatureBound} is infinite, and first-order steps need a learning rate given.
     */
    POISSON(5, Labels.NON_NEGATIVE, Link.EXP) {
        @Override
        public double value(double z, double y, double parameter) {
            double shortfall = y > 0 ? y * (Math.log(y) - z) : 0;
            return shortfall + (Math.exp(z) - y);
        }

        @Override
        public double derivative(double z, double y, double parameter) {
            return Math.exp(z) - y;
        }

        @Override
        public double curvatureBound(double parameter) {
            return Double.POSITIVE_INFINITY;
        }
    },

    /**
     * The squared hinge of a linear support vector machine (scikit-learn's {@code LinearSVC} default loss):
     * with t = 2y - 1 in {-1, +1} for labels 0 and 1, max(0, 1 - t z)^2; derivative -2 t max(0, 1 - t z),
     * curvature at most 2. Smooth, so every solver applies. Prediction: class 1 where z {@literal >=} 0; z
     * is the decision score.
     */
    SQUARED_HINGE(6, Labels.BINARY, Link.SIGN) {
        @Override
        public double value(double z, double y, double parameter) {
            double margin = Math.max(0, 1 - (2 * y - 1) * z);
            return margin * margin;
        }

        @Override
        public double derivative(double z, double y, double parameter) {
            double sign = 2 * y - 1;
            return -2 * sign * Math.max(0, 1 - sign * z);
        }

        @Override
        public double curvatureBound(double parameter) {
            return 2.0;
        }
    };

    /**
     * The kernels' code of the Gram pass, which is not a loss: r = s z, for the power iteration's
     * X^T S X v with the same fused pass ({@code DESCENT_GRAM} in descent_math.h).
     */
    public static final int GRAM_PASS_CODE = 3;

    /** Which labels a loss accepts. */
    public enum Labels {
        /** Any finite number (regression). */
        ANY_FINITE,
        /** Any finite number {@literal >=} 0 (counts, rates). */
        NON_NEGATIVE,
        /** 0 and 1. */
        BINARY,
        /** The class indices 0..k-1 (the fit maps the user's classes to them). */
        CLASS_INDEX
    }

    /** How z becomes a prediction. */
    public enum Link {
        /** The prediction is z. */
        IDENTITY,
        /** P(y = 1) = sigmoid(z). */
        SIGMOID,
        /** P(class c) = softmax(z)_c. */
        SOFTMAX,
        /** The prediction is e^z (a mean count). */
        EXP,
        /** Class 1 where z {@literal >=} 0, else class 0; z is a score, not a probability. */
        SIGN
    }

    private static final Loss[] BY_CODE = byCode();

    private final int kernelCode;
    private final Labels labels;
    private final Link link;

    Loss(int kernelCode, Labels labels, Link link) {
        this.kernelCode = kernelCode;
        this.labels = labels;
        this.link = link;
    }

    /** The code the kernels dispatch on ({@code DESCENT_<NAME>} in descent_math.h). */
    public int kernelCode() {
        return kernelCode;
    }

    /** The labels this loss accepts. */
    public Labels labels() {
        return labels;
    }

    /** How a prediction is made from z. */
    public Link link() {
        return link;
    }

    /** Whether the loss fits classes (0/1 labels or class indices) rather than numbers. */
    public boolean classifies() {
        return labels == Labels.BINARY || labels == Labels.CLASS_INDEX;
    }

    /** Whether the loss is a function of one output z (all but softmax): then {@link #value} and {@link #derivative} apply. */
    public boolean pointwise() {
        return this != SOFTMAX;
    }

    /** loss(z, y) of a one-output loss. */
    public double value(double z, double y, double parameter) {
        throw new UnsupportedOperationException(this + " is a function of all outputs; use Loss.softmax");
    }

    /** dloss/dz of a one-output loss. */
    public double derivative(double z, double y, double parameter) {
        throw new UnsupportedOperationException(this + " is a function of all outputs; use Loss.softmax");
    }

    /**
     * {@link #value} of a one-output loss, with {@link #derivative} written to {@code derivative[at]}: both in
     * one call, for passes that need both, with the bits of the two calls.
     */
    public double valueAndDerivative(double z, double y, double parameter, double[] derivative, int at) {
        derivative[at] = derivative(z, y, parameter);
        return value(z, y, parameter);
    }

    /**
     * The c in L = c * sigma_max(X)^2 / n + l2: an upper bound of the loss's second derivative
     * with respect to z, which turns the data's spectrum into the objective's smoothness constant.
     * Infinite where the curvature has no bound (Poisson's e^z): then no learning rate follows from it.
     */
    public abstract double curvatureBound(double parameter);

    /** The parameter when none is given (NaN: the loss takes none). */
    public double defaultParameter() {
        return Double.NaN;
    }

    /** Refuses a parameter the loss cannot take, naming it. */
    public void checkParameter(double parameter) {
    }

    /** The loss with this kernel code. */
    public static Loss ofKernelCode(int code) {
        if (code < 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
            throw new IllegalArgumentException("no loss has kernel code " + code);
        }
        return BY_CODE[code];
    }

    /** Parses a loss's name, in any case. */
    public static Loss parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
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
        return softmax(z, 0, classes, label, probabilities);
    }

    /** {@link #softmax(double[], int, int, double[])} of the outputs z[from .. from + classes). */
    public static double softmax(double[] z, int from, int classes, int label, double[] probabilities) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[from + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            probabilities[c] = Math.exp(z[from + c] - max);
            sum += probabilities[c];
        }
        for (int c = 0; c < classes; c++) {
            probabilities[c] /= sum;
        }
        return Math.log(sum) + max - z[from + label];
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static Loss[] byCode() {
        int largest = 0;
        for (Loss loss : values()) {
            largest = Math.max(largest, loss.kernelCode);
        }
        Loss[] table = new Loss[largest + 1];
        for (Loss loss : values()) {
            if (table[loss.kernelCode] != null || loss.kernelCode == GRAM_PASS_CODE) {
                throw new ExceptionInInitializerError("kernel code " + loss.kernelCode + " is taken twice");
            }
            table[loss.kernelCode] = loss;
        }
        return table;
    }
}
