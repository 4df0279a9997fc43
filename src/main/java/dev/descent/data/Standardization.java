package dev.descent.data;

import dev.descent.LinearModel;

/**
 * Per-feature centring and scaling learned on training data: x' = (x - mean) / scale, scale 1 where
 * a feature is constant. Stored in the model file so that predict applies the same transformation.
 */
public record Standardization(double[] mean, double[] scale) {

    /** The mean and standard deviation of each column (sample weights ignored: they describe rows, not units). */
    public static Standardization learn(Dataset data) {
        int n = data.rows();
        int d = data.columns();
        float[] x = data.features();
        double[] mean = new double[d];
        double[] square = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double centred = x[i * d + j] - mean[j];
                square[j] += centred * centred;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double deviation = Math.sqrt(square[j] / n);
            scale[j] = deviation > 0 ? deviation : 1;
        }
        return new Standardization(mean, scale);
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

    /** Transforms the features of {@code data} in place (the caller owns them) and returns it. */
    public Dataset applyInPlace(Dataset data) {
        if (data.columns() != mean.length) {
            throw new DataFormatException("the standardization has " + mean.length + " features but the data has "
                    + data.columns());
        }
        int d = data.columns();
        float[] x = data.features();
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) ((x[i * d + j] - mean[j]) / scale[j]);
            }
        }
        return data;
    }
}
