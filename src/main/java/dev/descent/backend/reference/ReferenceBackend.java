package dev.descent.backend.reference;

import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.ModelSetSums;
import dev.descent.backend.RowPermutation;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;

/**
 * The oracle: plain scalar loops in double precision, one row at a time, written to be read.
 * Every other backend is tested against it. For the objective
 * <pre>
 *   f(w, b) = (1/S') sum_{i in batch} s_i loss(z_i, y_i) + (l2/2) ||w||^2 + l1 ||w||_1,
 *   z_ic = b_c + sum_j x_ij w_cj,
 * </pre>
 * with S' = S (the sum of all sample weights) for the full batch and S' = batchSize * S / n for a
 * mini-batch, the gradient of the smooth part is
 * <pre>
 *   df/dw_cj = (1/S') sum_i s_i r_ic x_ij + l2 w_cj,   df/db_c = (1/S') sum_i s_i r_ic,
 * </pre>
 * where r_ic = dloss/dz_ic is given by the loss table, {@link Loss}. Sparse (CSR) rows give the same
 * sums over their non-zeros.
 */
public final class ReferenceBackend implements Backend, ModelSetSums {
    private Dataset data;
    private Problem problem;
    private ParameterUpdate update;
    private double[] parameters;
    private double[] saved;
    private double[] gradient;
    private DataTermSums stepSums;
    private double lastObjective = Double.NaN;
    private double lastGradientNorm = Double.NaN;
    private double objectiveSum;
    private boolean closed;

    /** The reference backend is plain Java: it runs everywhere. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "reference";
        }

        @Override
        public Availability availability() {
            return Availability.available("1 thread, scalar double precision");
        }

        @Override
        public boolean takesSparse() {
            return true;
        }

        @Override
        public boolean takesFloat64() {
            return true;
        }

        @Override
        public boolean eligibleForAuto() {
            return false;
        }

        @Override
        public Backend create() {
            return new ReferenceBackend();
        }
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String device() {
        return "1 thread, scalar double precision";
    }

    @Override
    public void upload(Dataset dataset, Problem problemToSolve) {
        checkOpen();
        Backend.requireMatching(dataset, problemToSolve);
        this.data = dataset;
        this.problem = problemToSolve;
        this.update = new ParameterUpdate(problemToSolve);
        this.parameters = new double[problemToSolve.parameterCount()];
        this.saved = parameters.clone();
        this.gradient = new double[problemToSolve.parameterCount()];
        this.stepSums = new DataTermSums(problemToSolve.parameterCount());
    }

    @Override
    public boolean takesSparse() {
        return true;
    }

    @Override
    public boolean takesFloat64() {
        return true;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    @Override
    public int rows() {
        return data.rows();
    }

    @Override
    public void setParameters(double[] values) {
        checkOpen();
        System.arraycopy(values, 0, parameters, 0, parameters.length);
        update.start(parameters);
        objectiveSum = 0;
    }

    @Override
    public void step(long permutationKey, int batchStart, int batchSize, double learningRate) {
        checkOpen();
        sums(batch(permutationKey, batchStart, batchSize), parameters, null, 0, stepSums);
        // the batch's data term scaled to estimate the full one's: divided by S' = batchSize * S / n
        double estimateWeight = batchSize == data.rows() ? data.sampleWeightSum()
                : batchSize * data.sampleWeightSum() / data.rows();
        double[] g = stepSums.gradient();
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] = g[j] / estimateWeight;
        }
        lastObjective = stepSums.lossSum() / estimateWeight + problem.regularize(parameters, gradient);
        lastGradientNorm = update.apply(parameters, gradient, learningRate);
        objectiveSum += lastObjective * batchSize;
    }

    @Override
    public double lastObjective() {
        return lastObjective;
    }

    @Override
    public double takeObjectiveSum() {
        double sum = objectiveSum;
        objectiveSum = 0;
        return sum;
    }

    @Override
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    @Override
    public void dataTermSums(long permutationKey, int batchStart, int batchSize, DataTermSums out) {
        checkOpen();
        sums(batch(permutationKey, batchStart, batchSize), parameters, null, 0, out);
    }

    /** The rows of a batch, in the order {@link dev.descent.backend.DataPasses#dataTermSums} defines. */
    private int[] batch(long permutationKey, int batchStart, int batchSize) {
        int rows = data.rows();
        int[] batch = new int[batchSize];
        for (int p = 0; p < batchSize; p++) {
            batch[p] = batchSize == rows ? p : RowPermutation.row(permutationKey, rows, batchStart + p);
        }
        return batch;
    }

    /**
     * S, L and G (see {@link DataTermSums}) at {@code parameters} over the rows {@code batch}, in that order; with
     * a model {@code set}, each row's label is model {@code model}'s ({@link ModelSet#label}).
     */
    private void sums(int[] batch, double[] parameters, ModelSet set, int model, DataTermSums out) {
        int d = problem.features();
        int k = problem.outputs();
        int weightCount = problem.penalizedCount();
        float[] y = data.labels();
        float[] s = data.sampleWeights();
        double[] g = out.gradient();
        java.util.Arrays.fill(g, 0);
        double[] z = new double[k];
        double[] r = new double[k];
        double[] probabilities = new double[k];
        double lossSum = 0;
        double weightTotal = 0;
        for (int i : batch) {
            for (int c = 0; c < k; c++) {
                z[c] = parameters[weightCount + c] + dot(i, parameters, c * d);
            }
            double sampleWeight = s == null ? 1.0 : s[i];
            double label = set == null ? y[i] : set.label(model, y[i]);
            double loss;
            Loss lossFunction = problem.loss();
            if (lossFunction.pointwise()) {
                loss = lossFunction.value(z[0], label, problem.lossParameter());
                r[0] = lossFunction.derivative(z[0], label, problem.lossParameter());
            } else {
                int labelIndex = (int) label;
                loss = Loss.softmax(z, k, labelIndex, probabilities);
                for (int c = 0; c < k; c++) {
                    r[c] = probabilities[c] - (c == labelIndex ? 1 : 0);
                }
            }
            weightTotal += sampleWeight;
            lossSum += sampleWeight * loss;
            for (int c = 0; c < k; c++) {
                addScaledRow(i, sampleWeight * r[c], g, c * d);
                g[weightCount + c] += sampleWeight * r[c];
            }
        }
        out.setTotals(weightTotal, lossSum);
    }

    /** Dense (float32 or float64) and sparse rows alike. */
    @Override
    public boolean takesModelSets(Dataset rows) {
        return true;
    }

    /**
     * For each active model m: z = b_m + x_i . w_m, and over the rows it counts, with its labels y_mi,
     * S_m = sum s_i, L_m = sum s_i loss(z, y_mi), G_m = sum s_i dloss/dz (x_i, 1).
     */
    @Override
    public void modelSetSums(ModelSet set, double[][] parameterSets, boolean[] active, DataTermSums[] out) {
        if (problem == null || !problem.loss().pointwise()) {
            throw new IllegalStateException("model sets need uploaded rows and a one-output loss");
        }
        for (int m = 0; m < parameterSets.length; m++) {
            if (active[m]) {
                int model = m;
                int[] rows = java.util.stream.IntStream.range(0, data.rows()).filter(i -> set.counts(model, i)).toArray();
                sums(rows, parameterSets[m], set, m, out[m]);
            }
        }
    }

    /** sum_j x_ij v[from + j], over row i's stored values (all d of them dense, float32 or float64; the non-zeros sparse). */
    private double dot(int i, double[] v, int from) {
        double sum = 0;
        if (data.isSparse()) {
            CsrMatrix x = data.sparseFeatures();
            for (int p = (int) x.rowOffsets()[i]; p < x.rowOffsets()[i + 1]; p++) {
                sum += x.values()[p] * v[from + x.columnIndices()[p]];
            }
        } else if (data.isFloat64()) {
            int d = problem.features();
            double[] x = data.float64Features();
            for (int j = 0; j < d; j++) {
                sum += x[i * d + j] * v[from + j];
            }
        } else {
            int d = problem.features();
            float[] x = data.features();
            for (int j = 0; j < d; j++) {
                sum += x[i * d + j] * v[from + j];
            }
        }
        return sum;
    }

    /** out[from + j] += factor x_ij, over row i's stored values. */
    private void addScaledRow(int i, double factor, double[] out, int from) {
        if (data.isSparse()) {
            CsrMatrix x = data.sparseFeatures();
            for (int p = (int) x.rowOffsets()[i]; p < x.rowOffsets()[i + 1]; p++) {
                out[from + x.columnIndices()[p]] += factor * x.values()[p];
            }
        } else if (data.isFloat64()) {
            int d = problem.features();
            double[] x = data.float64Features();
            for (int j = 0; j < d; j++) {
                out[from + j] += factor * x[i * d + j];
            }
        } else {
            int d = problem.features();
            float[] x = data.features();
            for (int j = 0; j < d; j++) {
                out[from + j] += factor * x[i * d + j];
            }
        }
    }

    @Override
    public void gramTimes(double[] v, double[] out) {
        checkOpen();
        int d = problem.features();
        int n = data.rows();
        float[] s = data.sampleWeights();
        java.util.Arrays.fill(out, 0);
        for (int i = 0; i < n; i++) {
            double xv = (problem.intercept() ? v[d] : 0) + dot(i, v, 0);
            double weighted = (s == null ? 1.0 : s[i]) * xv;
            addScaledRow(i, weighted, out, 0);
            if (problem.intercept()) {
                out[d] += weighted;
            }
        }
        double weightSum = data.sampleWeightSum();
        for (int j = 0; j < out.length; j++) {
            out[j] /= weightSum;
        }
    }

    @Override
    public void resetOptimizerState() {
        update.reset();
    }

    @Override
    public void checkpoint() {
        checkOpen();
        System.arraycopy(parameters, 0, saved, 0, parameters.length);
    }

    @Override
    public void restoreCheckpoint() {
        checkOpen();
        System.arraycopy(saved, 0, parameters, 0, parameters.length);
        update.start(parameters);
    }

    @Override
    public double[] readParameters() {
        checkOpen();
        return parameters.clone();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the reference backend is closed");
        }
    }
}
