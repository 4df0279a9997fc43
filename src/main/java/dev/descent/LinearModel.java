package dev.descent;

import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.data.FeatureShift;
import dev.descent.loss.Loss;
import java.util.Arrays;

/**
 * A fitted model: z = W x + b, then the loss's link: the identity (linear, huber), e^z (poisson), the
 * sigmoid (logistic), the softmax, or the sign of z (svm); a logistic or svm model with a row per class is
 * one-vs-rest and predicts the class of highest z. Predictions are computed in double from the float32 data.
 *
 * @param kind       the model kind
 * @param classes    the class labels in increasing order (logistic, svm: {0, 1} or {-1, 1}, or three or more for
 *                   one-vs-rest); empty for regression
 * @param weights    (outputs, features): one row, or one per class for softmax and one-vs-rest
 * @param intercepts one per output
 */
public record LinearModel(ModelKind kind, double[] classes, double[][] weights, double[] intercepts) {

    /**
     * Refuses a model that cannot predict: there is no unfitted state to predict from, since a model
     * comes from {@link Fitter#fit} or {@link dev.descent.io.ModelFile#read}.
     */
    public LinearModel {
        if (kind == null || weights == null || weights.length == 0 || weights[0] == null || weights[0].length == 0) {
            throw new InvalidInputException("this model has no weights, so it cannot predict: fit one with Fitter.fit "
                    + "(or read one with ModelFile.read) first");
        }
        for (double[] row : weights) {
            if (row == null || row.length != weights[0].length) {
                throw new InvalidInputException("every output of a model needs " + weights[0].length + " weights");
            }
        }
        if (intercepts == null || intercepts.length != weights.length) {
            throw new InvalidInputException("a model with " + weights.length + " outputs needs as many intercepts, not "
                    + (intercepts == null ? 0 : intercepts.length));
        }
    }

    public int features() {
        return weights[0].length;
    }

    /** The linear outputs z, (rows, outputs). */
    public double[][] decisionFunction(Dataset data) {
        requireFeatures(data);
        double[][] z = new double[data.rows()][weights.length];
        double[] b = interceptsFor(data);
        for (int i = 0; i < data.rows(); i++) {
            outputs(data, i, b, z[i]);
        }
        return z;
    }

    /**
     * The intercepts for rows as {@code data} holds them: with x - shift held, b + w . shift, since
     * w . x + b = w . (x - shift) + (b + w . shift).
     */
    private double[] interceptsFor(Dataset data) {
        double[] shift = data.featureShift();
        double[] b = intercepts.clone();
        for (int c = 0; shift != null && c < weights.length; c++) {
            b[c] += FeatureShift.dot(weights[c], shift);
        }
        return b;
    }

    /** z[c] = b_c + w_c . x_row (b from {@link #interceptsFor}), in double from the float32 row, dense or sparse. */
    private void outputs(Dataset data, int row, double[] b, double[] z) {
        if (data.isSparse()) {
            CsrMatrix x = data.sparseFeatures();
            long[] offsets = x.rowOffsets();
            int[] columns = x.columnIndices();
            float[] values = x.values();
            for (int c = 0; c < weights.length; c++) {
                double sum = b[c];
                double[] w = weights[c];
                for (int p = (int) offsets[row]; p < offsets[row + 1]; p++) {
                    sum += w[columns[p]] * values[p];
                }
                z[c] = sum;
            }
            return;
        }
        int d = features();
        double[] wide = data.isFloat64() ? data.float64Features() : null;
        float[] x = wide == null ? data.features() : null;
        for (int c = 0; c < weights.length; c++) {
            double sum = b[c];
            double[] w = weights[c];
            for (int j = 0; j < d; j++) {
                sum += w[j] * (wide != null ? wide[row * d + j] : x[row * d + j]);
            }
            z[c] = sum;
        }
    }

    /** Whether this is one binary model per class ({@link Fitter#oneVsRest}): a binary kind with a row per class. */
    public boolean oneVsRest() {
        return kind.loss().labels() == Loss.Labels.BINARY && weights.length > 1;
    }

    /** Whether {@link #predictProba} applies: logistic and softmax models. */
    public boolean hasProbabilities() {
        Loss.Link link = kind.loss().link();
        return link == Loss.Link.SIGMOID || link == Loss.Link.SOFTMAX;
    }

    /** Class probabilities, (rows, classes), columns in the order of {@link #classes()}. Logistic and softmax models only. */
    public double[][] predictProba(Dataset data) {
        if (!hasProbabilities()) {
            throw new InvalidInputException(kind + " models have no class probabilities; use predict"
                    + (kind.classifies() ? " (or decisionFunction for its scores)" : ""));
        }
        double[][] z = decisionFunction(data);
        double[][] probabilities = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            if (kind == ModelKind.LOGISTIC && oneVsRest()) {
                // scikit-learn's one-vs-rest: each class's sigmoid, normalized to sum 1
                probabilities[i] = new double[classes.length];
                double sum = 0;
                for (int c = 0; c < classes.length; c++) {
                    probabilities[i][c] = Loss.sigmoid(z[i][c]);
                    sum += probabilities[i][c];
                }
                for (int c = 0; c < classes.length; c++) {
                    probabilities[i][c] /= sum;
                }
            } else if (kind == ModelKind.LOGISTIC) {
                double p = Loss.sigmoid(z[i][0]);
                probabilities[i] = new double[] {1 - p, p};
            } else {
                probabilities[i] = new double[classes.length];
                Loss.softmax(z[i], classes.length, 0, probabilities[i]);
            }
        }
        return probabilities;
    }

    /**
     * The predicted value (linear and huber: z; poisson: the mean e^z) or class label (logistic: p >= 0.5,
     * svm: z >= 0, give the second class; softmax: the most probable). Row by row, so it needs memory for
     * the answer only (no rows x outputs table).
     */
    public double[] predict(Dataset data) {
        requireFeatures(data);
        double[] z = new double[weights.length];
        double[] predicted = new double[data.rows()];
        double[] b = interceptsFor(data);
        for (int i = 0; i < predicted.length; i++) {
            outputs(data, i, b, z);
            predicted[i] = switch (kind.loss().link()) {
                case IDENTITY -> z[0];
                case EXP -> Math.exp(z[0]);
                case SIGMOID, SIGN -> oneVsRest() ? classes[argMax(z)] : z[0] >= 0 ? classes[1] : classes[0];
                case SOFTMAX -> classes[argMax(z)];
            };
        }
        return predicted;
    }

    /** {@link #predict(Dataset)} on rows of features. */
    public double[] predict(double[][] x) {
        return predict(Dataset.of(x, null));
    }

    /** {@link #predictProba(Dataset)} on rows of features. */
    public double[][] predictProba(double[][] x) {
        return predictProba(Dataset.of(x, null));
    }

    /**
     * Accuracy for a classifier, R^2 for linear and huber, and for poisson D^2, the fraction of the Poisson
     * deviance explained (scikit-learn's {@code PoissonRegressor.score}); the data must have labels.
     */
    public double score(Dataset data) {
        if (!data.hasLabels()) {
            throw new InvalidInputException("the data has no labels to score against");
        }
        double[] predicted = predict(data);
        if (kind.classifies()) {
            return Metrics.accuracy(data.labels(), predicted);
        }
        return kind == ModelKind.POISSON ? Metrics.poissonD2(data.labels(), predicted) : Metrics.r2(data.labels(), predicted);
    }

    private void requireFeatures(Dataset data) {
        if (data.columns() != features()) {
            throw new InvalidInputException("the model has " + features() + " features but the data has "
                    + data.columns() + " columns");
        }
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return kind + " model, classes " + Arrays.toString(classes) + ", weights " + Arrays.deepToString(weights)
                + ", intercepts " + Arrays.toString(intercepts);
    }
}
