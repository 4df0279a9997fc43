package dev.descent.cli;

import dev.descent.LinearModel;
import dev.descent.Metrics;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the fit and predict summaries print for a classifier: accuracy, F1 (of class 1 for a binary
 * classifier, the macro mean over classes for softmax, as scikit-learn's f1_score), ROC AUC for a binary
 * classifier, and the confusion matrix when there are few enough classes to read it; and their line for a
 * regression model.
 */
final class ClassifierScores {
    /** Classes up to which the confusion matrix is printed: a wider one does not read on a terminal. */
    static final int MATRIX_CLASSES = 10;

    private ClassifierScores() {
    }

    /**
     * "R^2 R, MSE M" for linear and huber models (huber adds the mean absolute error), "D^2 D, mean Poisson deviance
     * P" for poisson: the lines the fit and predict summaries print for a regression model.
     */
    static String regressionScores(ModelKind kind, float[] labels, double[] predicted) {
        if (kind == ModelKind.POISSON) {
            return String.format(Locale.ROOT, "D^2 %.6f, mean Poisson deviance %.6g", Metrics.poissonD2(labels, predicted),
                    Metrics.meanPoissonDeviance(labels, predicted));
        }
        return String.format(Locale.ROOT, "R^2 %.6f, MSE %.6g", Metrics.r2(labels, predicted),
                Metrics.meanSquaredError(labels, predicted))
                + (kind == ModelKind.HUBER ? String.format(Locale.ROOT, ", MAE %.6g", Metrics.meanAbsoluteError(labels, predicted))
                        : "");
    }

    /**
     * "accuracy A, F1 F[, ROC AUC R]"; {@code probabilities} may be null for softmax (not needed) and for svm
     * (which has scores, not probabilities: its ROC AUC ranks by the decision function).
     */
    static String scores(LinearModel model, Dataset data, double[] predicted, double[][] probabilities) {
        long[][] confusion = Metrics.confusionMatrix(data.labels(), predicted, model.classes());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "accuracy %.6f", Metrics.accuracy(data.labels(), predicted)));
        if (model.kind() != ModelKind.SOFTMAX && model.classes().length == 2) {
            double[] positive = new double[data.rows()];
            double[][] scores = probabilities == null ? model.decisionFunction(data) : null;
            for (int i = 0; i < positive.length; i++) {
                positive[i] = probabilities == null ? scores[i][0] : probabilities[i][1];
            }
            line.append(String.format(Locale.ROOT, ", F1 %.6f, ROC AUC %.6f", Metrics.f1(confusion)[1],
                    Metrics.rocAuc(data.labels(), positive, model.classes()[1])));
        } else {
            line.append(String.format(Locale.ROOT, ", macro F1 %.6f", Metrics.macroF1(confusion)));
        }
        return line.toString();
    }

    /** The confusion matrix as lines (rows: true class, columns: predicted), or none past {@link #MATRIX_CLASSES} classes. */
    static List<String> confusionLines(LinearModel model, Dataset data, double[] predicted, List<String> names) {
        double[] classes = model.classes();
        List<String> lines = new ArrayList<>();
        if (classes.length > MATRIX_CLASSES) {
            return lines;
        }
        long[][] confusion = Metrics.confusionMatrix(data.labels(), predicted, classes);
        int width = 1;
        for (long[] row : confusion) {
            for (long count : row) {
                width = Math.max(width, Long.toString(count).length());
            }
        }
        for (double c : classes) {
            width = Math.max(width, label(c, names).length());
        }
        StringBuilder header = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n  ")
                .append(" ".repeat(width)).append(" |");
        for (double c : classes) {
            header.append(' ').append(pad(label(c, names), width));
        }
        lines.add(header.toString());
        for (int t = 0; t < classes.length; t++) {
            StringBuilder row = new StringBuilder("  ").append(pad(label(classes[t], names), width)).append(" |");
            for (long count : confusion[t]) {
                row.append(' ').append(pad(Long.toString(count), width));
            }
            lines.add(row.toString());
        }
        return lines;
    }

    /** A class as printed: its name when the model has names (classes are then 0, 1, ...), else its number. */
    private static String label(double value, List<String> names) {
        if (names != null) {
            return names.get((int) value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static String pad(String text, int width) {
        return " ".repeat(Math.max(0, width - text.length())) + text;
    }
}
