package dev.descent.optim;

import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;

/**
 * The optimizer's coordinates: the update rules run on standardized coordinates, where each feature is centred
 * by m_j and divided by s_j ({@link Problem#featureMean()}, {@link Problem#featureScale()}):
 * w = w' / s, b = b' - sum_j w'_j m_j / s_j. This is exact: the objective, its optimum and the
 * parameters the backend sees are those of the original problem; only the path changes. Plain
 * gradient steps on badly scaled features crawl (the condition number of X^T X grows with the
 * spread of the feature scales and means), and in these coordinates they do not. The gradient maps
 * as g' = T^T g: g'_w = g_w / s - g_b m / s, g'_b = g_b; the l1 term becomes sum_j (l1 / s_j) |w'_j|.
 * Without means and scales, T is the identity.
 *
 * <p>{@link #preconditioning} chooses m and s from the data (Jacobi on the Hessian's bound); the maps
 * below carry parameters and gradients between the two sets of coordinates.
 */
public final class Coordinates {
    private Coordinates() {
    }

    /**
     * The change of coordinates of preconditioning: per feature, the weighted mean (with an intercept;
     * otherwise none) and the scale sqrt(s_j^2 + l2 / c), s_j the weighted standard deviation about that
     * mean (root mean square without an intercept), c the loss's curvature bound; 1 where that is 0.
     * Returns {mean or null, scale}, as {@link Problem}'s featureMean and featureScale take them.
     */
    public static double[][] preconditioning(Dataset data, boolean intercept, double l2, double curvatureBound) {
        double[][] moments = moments(data);
        return preconditioning(moments[0], moments[1], data.sampleWeightSum(), intercept, l2, curvatureBound);
    }

    /**
     * Per feature, {sum_i s_i x_ij, sum_i s_i x_ij^2}: one pass over the rows, which many problems on the same
     * data (a regularization path) share through {@link #preconditioning(double[], double[], double, boolean,
     * double, double)} on copies.
     */
    public static double[][] moments(Dataset data) {
        int n = data.rows();
        int d = data.columns();
        float[] s = data.sampleWeights();
        double[] mean = new double[d];
        double[] square = new double[d];
        if (data.isSparse()) {
            // zeros add nothing to either sum; the centring stays implicit (the backend never sees it), so
            // sparse rows stay sparse
            CsrMatrix x = data.sparseFeatures();
            long[] offsets = x.rowOffsets();
            int[] columns = x.columnIndices();
            float[] values = x.values();
            for (int i = 0; i < n; i++) {
                double weight = s == null ? 1 : s[i];
                for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                    double value = values[p];
                    mean[columns[p]] += weight * value;
                    square[columns[p]] += weight * value * value;
                }
            }
        } else {
            double[] x = new double[d];
            for (int i = 0; i < n; i++) {
                double weight = s == null ? 1 : s[i];
                data.heldRow(i, x);
                for (int j = 0; j < d; j++) {
                    double value = x[j];
                    mean[j] += weight * value;
                    square[j] += weight * value * value;
                }
            }
        }
        return new double[][] {mean, square};
    }

    /**
     * {@link #preconditioning(Dataset, boolean, double, double)} from the data's moments, for data that no
     * single machine holds (a Spark fit adds them up across partitions): per feature j,
     * {@code weightedSums[j] = sum_i s_i x_ij} and {@code weightedSquares[j] = sum_i s_i x_ij^2}, and
     * {@code weightSum = sum_i s_i}. The two arrays are consumed.
     */
    public static double[][] preconditioning(double[] weightedSums, double[] weightedSquares, double weightSum,
                                             boolean intercept, double l2, double curvatureBound) {
        int d = weightedSums.length;
        double[] mean = weightedSums;
        double[] square = weightedSquares;
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] /= weightSum;
            double spread = Math.max(0, square[j] / weightSum - (intercept ? mean[j] * mean[j] : 0));
            // Jacobi on the Hessian's bound: coordinate j has curvature at most c s_j^2 + l2 (data plus
            // ridge); dividing by its square root makes every coordinate's bound c.
            double curvature = spread + l2 / curvatureBound;
            scale[j] = curvature > 0 ? Math.sqrt(curvature) : 1;
        }
        return new double[][] {intercept ? mean : null, scale};
    }

    /** Original to standardized coordinates: w' = w s, b' = b + sum_j w_j m_j (per output). */
    public static void toScaled(Problem problem, double[] original, double[] scaled) {
        double[] mean = problem.featureMean();
        double[] scale = problem.featureScale();
        int d = problem.features();
        for (int c = 0; c < problem.outputs(); c++) {
            double shift = 0;
            for (int j = 0; j < d; j++) {
                double w = original[c * d + j];
                scaled[c * d + j] = scale == null ? w : w * scale[j];
                shift += mean == null ? 0 : w * mean[j];
            }
            scaled[problem.penalizedCount() + c] = original[problem.penalizedCount() + c] + shift;
        }
    }

    /** Standardized to original coordinates: w = w' / s, b = b' - sum_j w_j m_j (per output). */
    public static void toOriginal(Problem problem, double[] scaled, double[] original) {
        double[] mean = problem.featureMean();
        double[] scale = problem.featureScale();
        int d = problem.features();
        for (int c = 0; c < problem.outputs(); c++) {
            double shift = 0;
            for (int j = 0; j < d; j++) {
                double w = scale == null ? scaled[c * d + j] : scaled[c * d + j] / scale[j];
                original[c * d + j] = w;
                shift += mean == null ? 0 : w * mean[j];
            }
            original[problem.penalizedCount() + c] = scaled[problem.penalizedCount() + c] - shift;
        }
    }

    /** A gradient in original coordinates to standardized ones, g' = T^T g: g'_w = (g_w - g_b m) / s, g'_b = g_b. */
    public static void transposeToScaled(Problem problem, double[] gradient, double[] scaled) {
        double[] mean = problem.featureMean();
        double[] scale = problem.featureScale();
        int d = problem.features();
        for (int c = 0; c < problem.outputs(); c++) {
            double gb = gradient[problem.penalizedCount() + c];
            for (int j = 0; j < d; j++) {
                double g = gradient[c * d + j] - (mean == null ? 0 : gb * mean[j]);
                scaled[c * d + j] = scale == null ? g : g / scale[j];
            }
            scaled[problem.penalizedCount() + c] = gb;
        }
    }
}
