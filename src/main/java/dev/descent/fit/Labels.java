package dev.descent.fit;

import dev.descent.InvalidInputException;
import dev.descent.loss.Loss;
import java.util.Arrays;
import java.util.TreeSet;

/** The labels of a fit: checked against what the loss accepts, and the classes a classifier predicts. */
public final class Labels {
    /** More classes than this in a softmax fit is almost certainly a regression target passed by mistake. */
    public static final int MAX_CLASSES = 10_000;

    private Labels() {
    }

    /**
     * The class labels a model of this loss predicts (none for regression), after checking every label:
     * 0 or 1 for a binary loss, at least two and at most {@link #MAX_CLASSES} distinct values for classes.
     */
    public static double[] classes(Loss loss, float[] labels) {
        if (loss.labels() == Loss.Labels.ANY_FINITE) {
            return new double[0];
        }
        boolean binary = loss.labels() == Loss.Labels.BINARY;
        TreeSet<Double> distinct = new TreeSet<>();
        for (int i = 0; i < labels.length; i++) {
            if (binary && labels[i] != 0 && labels[i] != 1) {
                throw new InvalidInputException("row index " + i + ", label: " + labels[i]
                        + " is not 0 or 1; logistic regression needs labels in {0, 1} (use softmax for more classes)");
            }
            if (distinct.add((double) labels[i]) && distinct.size() > MAX_CLASSES) {
                throw new InvalidInputException("softmax found more than " + MAX_CLASSES
                        + " distinct labels; is the label column a regression target?");
            }
        }
        if (distinct.size() < 2) {
            throw new InvalidInputException(loss + " needs at least two classes, but every label is " + distinct.first());
        }
        return binary ? new double[] {0, 1} : distinct.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Each label's index among {@code classes} (sorted): the labels the kernels of a class-index loss take. */
    public static float[] classIndices(float[] labels, double[] classes) {
        float[] indices = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            indices[i] = Arrays.binarySearch(classes, labels[i]);
        }
        return indices;
    }
}
