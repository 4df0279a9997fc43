package dev.descent;

import dev.descent.loss.Loss;

/**
 * What is being fitted. Each kind is a loss of the linear output z = x . w + b; its value and
 * its derivative with respect to z live in the loss table, {@link Loss}.
 */
public enum ModelKind {
    /** Least squares: {@link Loss#LINEAR}. */
    LINEAR(Loss.LINEAR),
    /** Binary classification: {@link Loss#LOGISTIC}, labels 0 and 1. */
    LOGISTIC(Loss.LOGISTIC),
    /** Classification over k classes: {@link Loss#SOFTMAX}. */
    SOFTMAX(Loss.SOFTMAX);

    private final Loss loss;

    ModelKind(Loss loss) {
        this.loss = loss;
    }

    /** The loss this model minimizes (its formulas, labels, link and kernel code live there). */
    public Loss loss() {
        return loss;
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
