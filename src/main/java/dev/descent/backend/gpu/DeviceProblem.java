package dev.descent.backend.gpu;

import dev.descent.backend.Backend;
import dev.descent.loss.Loss;
import dev.descent.optim.Coordinates;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;
import java.util.Arrays;

/**
 * A {@link Problem} as the GPU kernels see it, and the host-side arithmetic around them, shared by
 * the OpenCL and CUDA backends (their kernels compute the same sums in the same coordinates).
 *
 * <p>The kernels work in the optimizer's standardized coordinates x'_j = (x_j - mean_j) / scale_j,
 * centring and scaling each x on the fly, so the parameters on the device are w', b', and the
 * ridge and lasso enter per feature as l2 / scale_j^2 and l1 / scale_j. The fused step writes
 * "sums": width = k d + k data-term gradient sums in those coordinates (not yet divided by S), then
 * the loss sum. This class maps parameters in and out and turns sums back into the original
 * coordinates for {@link Backend#dataTermSums} and {@link Backend#gramTimes}.
 *
 * @param problem      the problem
 * @param mean         mean_j as float (0 without a change of variables)
 * @param inverseScale 1 / scale_j as float
 * @param l2Factor     l2 / scale_j^2 as float
 * @param l1Factor     l1 / scale_j as float
 * @param scale        scale_j (1 without a change of variables)
 */
public record DeviceProblem(Problem problem, float[] mean, float[] inverseScale, float[] l2Factor, float[] l1Factor,
                            double[] scale) {

    /** The kernels' loss kind for the power iteration (descent_math.h DESCENT_GRAM): r = s (x . v), no loss. */
    public static final int GRAM_LOSS_KIND = Loss.GRAM_PASS_CODE;

    public static DeviceProblem of(Problem problem) {
        int d = problem.features();
        double[] m = problem.featureMean();
        double[] scale = problem.featureScale() == null ? filled(d, 1.0) : problem.featureScale();
        float[] mean = new float[d];
        float[] inverse = new float[d];
        float[] l2 = new float[d];
        float[] l1 = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = m == null ? 0f : (float) m[j];
            inverse[j] = (float) (1 / scale[j]);
            l2[j] = (float) (problem.l2() / (scale[j] * scale[j]));
            l1[j] = (float) (problem.l1() / scale[j]);
        }
        return new DeviceProblem(problem, mean, inverse, l2, l1, scale);
    }

    /** The kernels' loss kind (descent_math.h), from the loss table. */
    public int lossKind() {
        return problem.loss().kernelCode();
    }

    /** The loss's parameter as the kernels take it (0 for losses without one). */
    public float lossParameter() {
        return Double.isNaN(problem.lossParameter()) ? 0f : (float) problem.lossParameter();
    }

    /** Parameters in original coordinates to the device's float standardized ones. */
    public float[] toDevice(double[] original) {
        double[] scaled = new double[original.length];
        Coordinates.toScaled(problem, original, scaled);
        return toFloats(scaled);
    }

    /** The device's float standardized parameters to original coordinates (unfitted intercepts 0). */
    public double[] fromDevice(float[] scaled) {
        double[] standardized = new double[scaled.length];
        for (int p = 0; p < scaled.length; p++) {
            standardized[p] = scaled[p];
        }
        double[] values = new double[scaled.length];
        Coordinates.toOriginal(problem, standardized, values);
        if (!problem.intercept()) {
            Arrays.fill(values, problem.penalizedCount(), values.length, 0.0);
        }
        return values;
    }

    /**
     * The data-term sums in original coordinates from the fused pass's {@code sums} (standardized
     * coordinates: k d weight sums, k intercept sums, then the loss sum), with S = {@code weightTotal}.
     */
    public void toOriginalSums(float[] sums, double weightTotal, DataTermSums out) {
        int k = problem.outputs();
        int d = problem.features();
        double[] m = problem.featureMean();
        double[] gradient = out.gradient();
        for (int c = 0; c < k; c++) {
            double interceptSum = sums[k * d + c];
            for (int j = 0; j < d; j++) {
                // the kernel summed r (x - m) / s; the original coordinates want r x = s (that) + m r
                gradient[c * d + j] = sums[c * d + j] * scale[j] + (m == null ? 0 : m[j] * interceptSum);
            }
            gradient[k * d + c] = interceptSum;
        }
        out.setTotals(weightTotal, sums[problem.parameterCount()]);
    }

    /** The vector of {@link Backend#gramTimes} as the kernels take it: float, intercept entry 0 without an intercept. */
    public float[] gramVector(double[] vector) {
        int d = problem.features();
        float[] v = new float[d + 1];
        for (int j = 0; j < d; j++) {
            v[j] = (float) vector[j];
        }
        v[d] = problem.intercept() ? (float) vector[d] : 0f;
        return v;
    }

    /** {@link Backend#gramTimes}'s answer from the fused step's sums over the raw features: out = sums / S. */
    public static void gramResult(float[] sums, double weightSum, double[] out) {
        for (int j = 0; j < out.length; j++) {
            out[j] = sums[j] / weightSum;
        }
    }

    public static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    public static float[] filledFloats(int length, float value) {
        float[] out = new float[length];
        Arrays.fill(out, value);
        return out;
    }

    private static double[] filled(int length, double value) {
        double[] out = new double[length];
        Arrays.fill(out, value);
        return out;
    }
}
