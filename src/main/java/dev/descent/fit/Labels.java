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
     * 0 and 1, or -1 and +1 (LIBSVM's binary data sets), for a binary loss; at least two and at most
     * {@link #MAX_CLASSES} distinct values for classes.
     */
    public static double[] classes(Loss loss, float[] labels) {
        if (loss.labels() == Loss.Labels.NON_NEGATIVE) {
            int bad = firstNegativeLabel(labels);
            if (bad >= 0) {
                throw new InvalidInputException("row index " + bad + ", label " + labels[bad] + " is negative; " + loss
                        + " regression needs labels >= 0 (counts or rates)");
            }
        }
        if (!loss.classifies()) {
            return new double[0];
        }
        boolean binary = loss.labels() == Loss.Labels.BINARY;
        if (binary) {
            int bad = firstInvalidBinaryLabel(labels);
            if (bad >= 0) {
                throw new InvalidInputException("row index " + bad + ", " + binaryLabelProblem(labels, bad) + "; " + loss
                        + " needs labels in {0, 1} or {-1, +1} (use softmax for more classes)");
            }
        }
        TreeSet<Double> distinct = new TreeSet<>();
        for (float label : labels) {
            if (distinct.add((double) label) && distinct.size() > MAX_CLASSES) {
                throw new InvalidInputException("softmax found more than " + MAX_CLASSES
                        + " distinct labels; is the label column a regression target?");
            }
        }
        if (distinct.size() < 2) {
            throw new InvalidInputException(loss + " needs at least two classes, but every label is " + distinct.first());
        }
        return binary ? new double[] {distinct.first() == -1 ? -1 : 0, 1}
                : distinct.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The first row whose label is below 0 (what a {@link Loss.Labels#NON_NEGATIVE} loss refuses); -1 when none is. */
    public static int firstNegativeLabel(float[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first row whose label a binary loss cannot take: one that is not 0, 1 or -1, or the row where 0 and
     * -1 have both appeared ({0, 1} labels mixed with {-1, +1} ones); -1 when every label is fine.
     */
    public static int firstInvalidBinaryLabel(float[] labels) {
        boolean signs = false;
        boolean zeros = false;
        for (int i = 0; i < labels.length; i++) {
            signs |= labels[i] == -1;
            zeros |= labels[i] == 0;
            if (labels[i] != 0 && labels[i] != 1 && labels[i] != -1 || signs && zeros) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong with the label of {@code row}, as {@link #firstInvalidBinaryLabel} found it: "label 2.0 is not ...". */
    public static String binaryLabelProblem(float[] labels, int row) {
        float label = labels[row];
        return "label " + label + (label == 0 || label == 1 || label == -1 ? " mixes {0, 1} with {-1, +1} labels"
                : " is not 0 or 1 (or -1 or +1)");
    }

    /** Each label's index among {@code classes} (sorted): the labels the kernels of a class-index loss take. */
    public static float[] classIndices(float[] labels, double[] classes) {
        float[] indices = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            indices[i] = Arrays.binarySearch(classes, labels[i]);
        }
        return indices;
    }

    /**
     * Per-row weights from class weights, multiplied into {@code sampleWeights} (null: all 1):
     * {@code classWeights} maps a label to its weight; null means "balanced", n / (k * count of the
     * class) as scikit-learn's class_weight="balanced", so that every class weighs the same in total
     * and the weights still sum to n. A class the map does not name weighs 1.
     */
    public static float[] classWeighted(float[] labels, float[] sampleWeights, java.util.Map<Double, Double> classWeights) {
        java.util.Map<Double, Double> weights = classWeights;
        if (weights == null) {
            java.util.TreeMap<Double, Long> counts = new java.util.TreeMap<>();
            for (float label : labels) {
                counts.merge((double) label, 1L, Long::sum);
            }
            weights = new java.util.HashMap<>();
            for (java.util.Map.Entry<Double, Long> entry : counts.entrySet()) {
                weights.put(entry.getKey(), (double) labels.length / (counts.size() * (double) entry.getValue()));
            }
        } else {
            for (java.util.Map.Entry<Double, Double> entry : weights.entrySet()) {
                double weight = entry.getValue();
                if (!Double.isFinite(weight) || weight < 0) {
                    throw new InvalidInputException("class " + entry.getKey() + " has weight " + weight
                            + "; class weights must be finite and non-negative");
                }
            }
        }
        float[] rowWeights = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            double weight = weights.getOrDefault((double) labels[i], 1.0);
            rowWeights[i] = (float) (sampleWeights == null ? weight : weight * sampleWeights[i]);
        }
        return rowWeights;
    }
}
