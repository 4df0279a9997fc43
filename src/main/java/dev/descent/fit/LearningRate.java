package dev.descent.fit;

import dev.descent.backend.Backend;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.optim.Coordinates;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.SplittableRandom;

/** The automatic learning rate: 1/L from the objective's smoothness, measured on the backend. */
public final class LearningRate {
    /** Power iteration for the largest eigenvalue stops when it changes by less than this, relatively. */
    static final double POWER_ITERATION_TOLERANCE = 1e-4;
    static final int POWER_ITERATION_LIMIT = 100;
    /** The start vector of the power iteration has a fixed seed, so the auto learning rate does not depend on the fit's seed. */
    private static final long POWER_ITERATION_SEED = 0x5EED;

    private LearningRate() {
    }

    /**
     * lr = 1/L for the full batch, L = c * lambda_max((1/S) X1^T S X1) + l2, where lambda_max comes from
     * power iteration on the backend and c is the loss's curvature bound, both in the optimizer's
     * (standardized) coordinates, where the ridge's curvature is at most l2 / min_j s_j^2. For a mini-batch of B rows the
     * "expected smoothness" of Gower et al. (2019) interpolates between L (B = n) and the largest
     * per-row constant L_max (B = 1): L_B = (n - B) / (B (n - 1)) L_max + n (B - 1) / (B (n - 1)) L.
     * The adaptive rules normalize the step per coordinate, so for them lr is a step length, not
     * 1/L: {@link #adaptive}.
     */
    public static double auto(Backend device, Dataset data, Problem problem, int batch) {
        OptimizerKind kind = problem.optimizer().kind();
        if (kind.isAdaptive()) {
            return adaptive(kind);
        }
        double l2 = problem.l2();
        double c = problem.loss().curvatureBound(problem.lossParameter());
        // In the optimizer's coordinates the ridge term (l2/2) sum (w'_j / s_j)^2 has curvature l2 / s_j^2.
        double ridge = l2;
        if (problem.featureScale() != null) {
            for (double scale : problem.featureScale()) {
                ridge = Math.max(ridge, l2 / (scale * scale));
            }
        }
        double smoothness = c * largestEigenvalue(device, problem) + ridge;
        int rows = data.rows();
        if (batch < rows) {
            double rowSmoothness = c * largestRowNorm(data, problem) + ridge;
            smoothness = (double) (rows - batch) / ((double) batch * (rows - 1)) * rowSmoothness
                    + (double) rows * (batch - 1) / ((double) batch * (rows - 1)) * smoothness;
        }
        double rate = smoothness > 0 ? 1 / smoothness : 1.0;
        // With noisy gradients, momentum's velocity multiplies the step by up to 1 / (1 - mu) and the
        // noise with it; scaling by (1 - mu) gives the effective step of plain SGD at 1/L_B.
        if (batch < rows && kind != OptimizerKind.GD) {
            rate *= 1 - problem.optimizer().momentum();
        }
        return rate;
    }

    /**
     * The auto learning rate of the adaptive rules, whose steps are about lr per coordinate: Adam and
     * RMSProp at 0.01 (a tenth of a standardized feature's unit), AdaGrad, whose steps shrink as its
     * accumulator grows, at 0.5. Chosen in bench/defaults.
     */
    static double adaptive(OptimizerKind kind) {
        return kind == OptimizerKind.ADAGRAD ? 0.5 : 0.01;
    }

    /**
     * lambda_max of the Gram matrix in the optimizer's coordinates, T^T G T, by power iteration; each
     * product is one pass over X on the backend.
     */
    private static double largestEigenvalue(Backend device, Problem problem) {
        int d = problem.features();
        Problem single = new Problem(problem.loss(), 1, d, true, 0, 0, problem.optimizer(), problem.featureMean(),
                problem.featureScale(), problem.lossParameter());
        double[] v = new double[d + 1];
        double[] original = new double[d + 1];
        double[] product = new double[d + 1];
        SplittableRandom random = new SplittableRandom(POWER_ITERATION_SEED);
        for (int j = 0; j <= d; j++) {
            v[j] = j < d || problem.intercept() ? random.nextDouble(-1, 1) : 0;
        }
        normalize(v);
        double eigenvalue = 0;
        for (int iteration = 0; iteration < POWER_ITERATION_LIMIT; iteration++) {
            Coordinates.toOriginal(single, v, original);
            device.gramTimes(original, product);
            if (!problem.intercept()) {
                product[d] = 0;
            }
            Coordinates.transposeToScaled(single, product, v);
            double estimate = normalize(v);
            if (estimate == 0 || Math.abs(estimate - eigenvalue) <= POWER_ITERATION_TOLERANCE * estimate) {
                return estimate;
            }
            eigenvalue = estimate;
        }
        return eigenvalue;
    }

    /** max_i (s_i n / S) ||x1_i||^2 in the optimizer's coordinates: the smoothness of the worst row's term. */
    private static double largestRowNorm(Dataset data, Problem problem) {
        int d = data.columns();
        float[] s = data.sampleWeights();
        double[] mean = problem.featureMean();
        double[] scale = problem.featureScale();
        double meanWeight = data.sampleWeightSum() / data.rows();
        double largest = 0;
        if (data.isSparse()) {
            // a zero x_ij still counts (0 - m_j) / s_j: start each row from the norm of the all-zero row and
            // correct it at the non-zeros
            double zeroRow = problem.intercept() ? 1 : 0;
            for (int j = 0; j < d; j++) {
                double value = (mean == null ? 0 : mean[j]) / (scale == null ? 1 : scale[j]);
                zeroRow += value * value;
            }
            CsrMatrix x = data.sparseFeatures();
            long[] offsets = x.rowOffsets();
            int[] columns = x.columnIndices();
            float[] values = x.values();
            for (int i = 0; i < data.rows(); i++) {
                double norm = zeroRow;
                for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                    int j = columns[p];
                    double centre = mean == null ? 0 : mean[j];
                    double unit = scale == null ? 1 : scale[j];
                    double value = (values[p] - centre) / unit;
                    norm += value * value - (centre / unit) * (centre / unit);
                }
                largest = Math.max(largest, norm * (s == null ? 1 : s[i] / meanWeight));
            }
            return largest;
        }
        double[] x = new double[d];
        for (int i = 0; i < data.rows(); i++) {
            double norm = problem.intercept() ? 1 : 0;
            data.heldRow(i, x);
            for (int j = 0; j < d; j++) {
                double value = (x[j] - (mean == null ? 0 : mean[j])) / (scale == null ? 1 : scale[j]);
                norm += value * value;
            }
            largest = Math.max(largest, norm * (s == null ? 1 : s[i] / meanWeight));
        }
        return largest;
    }

    private static double normalize(double[] v) {
        double norm = 0;
        for (double value : v) {
            norm += value * value;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= norm;
            }
        }
        return norm;
    }
}
