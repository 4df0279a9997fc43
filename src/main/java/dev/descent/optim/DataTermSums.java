package dev.descent.optim;

import java.util.Arrays;

/**
 * The data term of the objective over some rows, as sums that add up across row sets:
 * <pre>
 *   S     = sum_i s_i                       (the sample-weight total)
 *   L     = sum_i s_i loss(z_i, y_i)        (the weighted loss sum)
 *   G_cj  = sum_i s_i r_ic x_ij,  G_c = sum_i s_i r_ic   (k*d weight sums, then k intercept sums)
 * </pre>
 * with r_ic = dloss/dz_ic, in the original coordinates of the features. Nothing is divided by S and
 * no regularization is added: the sums of two backends holding two halves of the rows, added with
 * {@link #add}, are the sums of one backend holding all of them (to float32 rounding). The objective
 * is made from them once, in {@link Objective}. This is what a quasi-Newton solver
 * asks of one backend ({@code Backend.dataTermSums}) and what a partition of a distributed fit returns.
 */
public final class DataTermSums {
    private final double[] gradient;
    private double weightTotal;
    private double lossSum;

    /** Empty sums (zero rows) for a problem of {@code parameterCount} parameters (k*d + k). */
    public DataTermSums(int parameterCount) {
        if (parameterCount < 1) {
            throw new IllegalArgumentException("a problem has at least one parameter, got " + parameterCount);
        }
        this.gradient = new double[parameterCount];
    }

    /** S: the sum of the rows' sample weights (their count without weights). */
    public double weightTotal() {
        return weightTotal;
    }

    /** L: the sum of s_i loss_i. */
    public double lossSum() {
        return lossSum;
    }

    /** G: the k*d + k gradient sums, layout as the parameters'; the live array, written by backends. */
    public double[] gradient() {
        return gradient;
    }

    /** Sets S and L; a backend writes G into {@link #gradient()} and then calls this. */
    public void setTotals(double weightTotalOfRows, double lossSumOfRows) {
        this.weightTotal = weightTotalOfRows;
        this.lossSum = lossSumOfRows;
    }

    /** Back to the sums of no rows. */
    public void clear() {
        Arrays.fill(gradient, 0.0);
        weightTotal = 0;
        lossSum = 0;
    }

    /** Adds another row set's sums to these (the merge); returns this. */
    public DataTermSums add(DataTermSums other) {
        if (other.gradient.length != gradient.length) {
            throw new IllegalArgumentException("cannot add sums of " + other.gradient.length + " parameters to sums of "
                    + gradient.length);
        }
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] += other.gradient[j];
        }
        weightTotal += other.weightTotal;
        lossSum += other.lossSum;
        return this;
    }

    /** An independent copy. */
    public DataTermSums copy() {
        DataTermSums copy = new DataTermSums(gradient.length);
        return copy.add(this);
    }
}
