package dev.descent.data;

import dev.descent.LinearModel;

/**
 * Per-feature centring and scaling learned on training data: x' = (x - mean) / scale, scale 1 where
 * a feature is constant. Stored in the model file so that predict applies the same transformation.
 */
public record Standardization(double[] mean, double[] scale) {

    /**
     * The mean and standard deviation of each column (sample weights ignored: they describe rows, not units),
     * in the original units when X is held shifted ({@link Dataset#featureShift()}).
     * For sparse data the scale only, mean 0, so that zeros stay zeros (scikit-learn's StandardScaler
     * with_mean=False): the scale is still the deviation about the column's mean.
     */
    public static Standardization learn(Dataset data) {
        if (data.isSparse()) {
            return learnScale(data.sparseFeatures());
        }
        int n = data.rows();
        int d = data.columns();
        double[] x = new double[d];
        double[] mean = new double[d];
        double[] square = new double[d];
        for (int i = 0; i < n; i++) {
            data.heldRow(i, x);
            for (int j = 0; j < d; j++) {
                mean[j] += x[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            data.heldRow(i, x);
            for (int j = 0; j < d; j++) {
                double centred = x[j] - mean[j];
                square[j] += centred * centred;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double deviation = Math.sqrt(square[j] / n);
            scale[j] = deviation > 0 ? deviation : 1;
        }
        double[] shift = data.featureShift();
        for (int j = 0; shift != null && j < d; j++) {
            mean[j] += shift[j];
        }
        return new Standardization(mean, scale);
    }

    private static Standardization learnScale(CsrMatrix x) {
        int n = x.rows();
        int d = x.columns();
        int[] columns = x.columnIndices();
        float[] values = x.values();
        double[] mean = new double[d];
        long[] count = new long[d];
        for (int p = 0; p < values.length; p++) {
            mean[columns[p]] += values[p];
            count[columns[p]]++;
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        // about the mean in two passes, as the dense case: the n - count zeros each add mean^2
        double[] square = new double[d];
        for (int p = 0; p < values.length; p++) {
            double centred = values[p] - mean[columns[p]];
            square[columns[p]] += centred * centred;
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double deviation = Math.sqrt((square[j] + (n - count[j]) * mean[j] * mean[j]) / n);
            scale[j] = deviation > 0 ? deviation : 1;
        }
        return new Standardization(new double[d], scale);
    }

    /**
     * The model that gives {@code standardized}'s outputs on raw features: with x' = (x - mean) / scale,
     * w . x' + b = (w / scale) . x + (b - sum_j w_j mean_j / scale_j), for each class. In double, so its
     * outputs on raw features are at least as precise as the standardized model's on float32 x'.
     */
    public LinearModel foldInto(LinearModel standardized) {
        double[][] weights = standardized.weights();
        if (weights[0].length != mean.length) {
            throw new DataFormatException("the standardization has " + mean.length + " features but the model has "
                    + weights[0].length);
        }
        double[][] raw = new double[weights.length][mean.length];
        double[] intercepts = standardized.intercepts().clone();
        for (int c = 0; c < weights.length; c++) {
            for (int j = 0; j < mean.length; j++) {
                raw[c][j] = weights[c][j] / scale[j];
                intercepts[c] -= raw[c][j] * mean[j];
            }
        }
        return new LinearModel(standardized.kind(), standardized.classes(), raw, intercepts);
    }

    /**
     * Transforms the features of {@code data} in place (the caller owns them) and returns the standardized
     * data: use the result, which holds no shift, whether or not {@code data} was held shifted.
     */
    public Dataset applyInPlace(Dataset data) {
        if (data.columns() != mean.length) {
            throw new DataFormatException("the standardization has " + mean.length + " features but the data has "
                    + data.columns());
        }
        if (data.isSparse()) {
            CsrMatrix x = data.sparseFeatures();
            int[] columns = x.columnIndices();
            float[] values = x.values();
            for (int p = 0; p < values.length; p++) {
                values[p] = (float) ((values[p] - mean[columns[p]]) / scale[columns[p]]);
            }
            return data;
        }
        int d = data.columns();
        if (data.isFloat64()) {
            double[] x = data.float64Features();
            for (int i = 0; i < data.rows(); i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = (x[i * d + j] - mean[j]) / scale[j];
                }
            }
            return data;
        }
        float[] x = data.features();
        // x - mean = (x - shift) - (mean - shift), the difference of the means taken in double
        double[] shift = data.featureShift();
        double[] centre = mean.clone();
        for (int j = 0; shift != null && j < d; j++) {
            centre[j] -= shift[j];
        }
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) ((x[i * d + j] - centre[j]) / scale[j]);
            }
        }
        return data.withoutShiftRecord();
    }
}
