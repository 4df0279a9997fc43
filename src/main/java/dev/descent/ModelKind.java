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
    SOFTMAX(Loss.SOFTMAX),
    /** Regression robust to outliers: {@link Loss#HUBER}, squared within delta of the fit, linear beyond. */
    HUBER(Loss.HUBER),
    /** Counts and rates with a log link: {@link Loss#POISSON}, labels {@literal >=} 0, prediction e^z. */
    POISSON(Loss.POISSON),
    /** Binary classification by a linear support vector machine: {@link Loss#SQUARED_HINGE}, labels 0 and 1 (or -1 and +1). */
    SVM(Loss.SQUARED_HINGE);

    private final Loss loss;

    ModelKind(Loss loss) {
        this.loss = loss;
    }

    /** The loss this model minimizes (its formulas, labels, link and kernel code live there). */
    public Loss loss() {
        return loss;
    }

    /** Whether the model predicts classes (logistic, softmax, svm) rather than a number. */
    public boolean classifies() {
        return loss.classifies();
    }

    /** Parses a kind's name ("linear", "logistic", "softmax", "huber", "poisson" or "svm"), in any case. */
    public static ModelKind parse(String name) {
        for (ModelKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new InvalidInputException("unknown model '" + name + "': expected " + names());
    }

    /** "linear, logistic, softmax, huber, poisson or svm". */
    public static String names() {
        StringBuilder text = new StringBuilder();
        ModelKind[] kinds = values();
        for (int i = 0; i < kinds.length; i++) {
            text.append(i == 0 ? "" : i == kinds.length - 1 ? " or " : ", ").append(kinds[i]);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
