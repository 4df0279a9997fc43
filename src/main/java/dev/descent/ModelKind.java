package dev.descent;

import dev.descent.loss.Losses;

/**
 * What is being fitted. Each kind is a loss of the linear output z = x . w + b; its value and
 * its derivative with respect to z live in {@link Losses}.
 */
public enum ModelKind {
    /** loss = (z - y)^2; second derivative 2. */
    LINEAR(2.0),
    /** Binary cross-entropy with labels in {0, 1}; second derivative at most 1/4. */
    LOGISTIC(0.25),
    /** Multinomial cross-entropy over k classes; the Hessian of log-sum-exp is at most 1/2. */
    SOFTMAX(0.5);

    private final double curvatureBound;

    ModelKind(double curvatureBound) {
        this.curvatureBound = curvatureBound;
    }

    /**
     * The c in L = c * sigma_max(X)^2 / n + l2: an upper bound of the loss's second derivative
     * with respect to z, which turns the data's spectrum into the objective's smoothness constant.
     */
    public double curvatureBound() {
        return curvatureBound;
    }

    /** Parses "linear", "logistic" or "softmax" (any case). */
    public static ModelKind parse(String name) {
        for (ModelKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new InvalidInputException("unknown model '" + name + "': expected linear, logistic or softmax");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
