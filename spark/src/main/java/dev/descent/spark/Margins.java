package dev.descent.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/** w . x + b for a model's rows of weights, dense or sparse x, in double precision. */
final class Margins {
    private Margins() {
    }

    static double margin(double[] weights, double intercept, Vector features) {
        double sum = intercept;
        if (features instanceof SparseVector sparse) {
            int[] indices = sparse.indices();
            double[] values = sparse.values();
            for (int p = 0; p < indices.length; p++) {
                sum += weights[indices[p]] * values[p];
            }
        } else {
            double[] values = features instanceof DenseVector dense ? dense.values() : features.toArray();
            for (int j = 0; j < values.length; j++) {
                sum += weights[j] * values[j];
            }
        }
        return sum;
    }

    static void requireSize(Vector features, int expected) {
        if (features.size() != expected) {
            throw new IllegalArgumentException("a feature vector has size " + features.size() + ", but the model has "
                    + expected + " features");
        }
    }
}
