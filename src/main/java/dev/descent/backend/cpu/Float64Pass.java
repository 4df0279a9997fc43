package dev.descent.backend.cpu;

import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Problem;
import java.util.Arrays;

/**
 * The cpu backend's pass over dense float64 rows ({@code --precision double}): for each row, z = x . w + b in
 * double, the loss and r = dloss/dz, then s_i r x added into the gradient while the row is in cache, so X is
 * read once per pass. Plain double loops on every core: this is the path for data that needs float64, not
 * the fast one (a float64 value is twice the bytes of a float32 one, and the Vector API kernels are float32).
 *
 * <p>The batch is cut into segments of consecutive rows, each with its own k*d accumulator, summed in segment
 * order ({@link SegmentSums}, sized as {@link SparsePass}'s): the segments depend only on the data, so the
 * bits do not depend on the number of threads.
 */
final class Float64Pass {
    private final double[] x;
    private final float[] labels;
    private final float[] sampleWeights;
    private final int rows;
    private final int features;
    private final int outputs;
    private final Loss loss;
    private final double lossParameter;
    private final WorkerPool pool;

    private final SegmentSums sums;
    /**
     * Per worker: a row's z, residuals and softmax probabilities, and the segment's intercept sums, each padded
     * by a cache line ({@link SegmentSums#CACHE_LINE_DOUBLES}), since one-output rows write them on every row.
     */
    private final double[][] outputScratch;
    private final double[][] residualScratch;
    private final double[][] probabilityScratch;
    private final double[][] interceptScratch;
    private final int maxSegments;
    /** The pass's weights, (d, k) as the sums are, and intercepts. */
    private final double[] weightsByFeature;
    private final double[] intercepts;

    // The current pass: written by the calling thread before the pool runs it.
    private boolean gram;
    private boolean shuffled;
    private long key;
    private int batchStart;
    private int batchSize;
    private int segments;
    private int gradientWidth;

    Float64Pass(Dataset data, Problem problem, int threads, WorkerPool pool) {
        this.x = data.float64Features();
        this.labels = data.labels();
        this.sampleWeights = data.sampleWeights();
        this.rows = data.rows();
        this.features = data.columns();
        this.outputs = problem.outputs();
        this.loss = problem.loss();
        this.lossParameter = problem.lossParameter();
        this.pool = pool;
        this.maxSegments = SparsePass.segmentsFor((long) rows * features, features, outputs, rows);
        this.sums = new SegmentSums(maxSegments, features, outputs);
        this.outputScratch = new double[threads][outputs + SegmentSums.CACHE_LINE_DOUBLES];
        this.residualScratch = new double[threads][outputs + SegmentSums.CACHE_LINE_DOUBLES];
        this.probabilityScratch = new double[threads][outputs + SegmentSums.CACHE_LINE_DOUBLES];
        this.interceptScratch = new double[threads][outputs + SegmentSums.CACHE_LINE_DOUBLES];
        this.weightsByFeature = new double[outputs * features];
        this.intercepts = new double[outputs];
    }

    /**
     * The loss pass at {@code parameters} (k*d weights, then k intercepts): weighted gradient sums into
     * {@code gradientSums} (same layout), not divided by S; returns the weighted loss sum.
     */
    double lossPass(double[] parameters, boolean shuffledBatch, long permutationKey, int start, int size,
                    double[] gradientSums) {
        for (int c = 0; c < outputs; c++) {
            for (int j = 0; j < features; j++) {
                weightsByFeature[j * outputs + c] = parameters[c * features + j];
            }
        }
        System.arraycopy(parameters, outputs * features, intercepts, 0, outputs);
        plan(false, shuffledBatch, permutationKey, start, size);
        pool.runEach(segments, this::runSegment);
        return sums.reduce(pool, segments, gradientSums, outputs);
    }

    /**
     * out = X1^T diag(s) X1 v, unscaled, for v = (the first d values of {@code vector}, then {@code interceptValue},
     * 0 without an intercept).
     */
    void gramPass(double[] vector, double interceptValue, double[] out) {
        // one output: the (d, k) layout is the weights' own
        System.arraycopy(vector, 0, weightsByFeature, 0, features);
        intercepts[0] = interceptValue;
        plan(true, false, 0, 0, rows);
        pool.runEach(segments, this::runSegment);
        sums.reduce(pool, segments, out, 1);
    }

    private void plan(boolean gramPass, boolean shuffledBatch, long permutationKey, int start, int size) {
        gram = gramPass;
        gradientWidth = gramPass ? 1 : outputs;
        shuffled = shuffledBatch;
        key = permutationKey;
        batchStart = start;
        batchSize = size;
        segments = Math.min(maxSegments, SparsePass.segmentsFor((long) size * features, features, outputs, size));
    }

    private void runSegment(int worker, int segment) {
        double[] accumulator = sums.accumulators[segment];
        double[] z = outputScratch[worker];
        double[] r = residualScratch[worker];
        double[] probabilities = probabilityScratch[worker];
        int k = gradientWidth;
        // the segment's loss and intercept sums stay in this worker's lines until the segment ends
        double lossTotal = 0;
        double[] interceptTotals = interceptScratch[worker];
        Arrays.fill(interceptTotals, 0, k, 0);
        int end = (int) ((long) batchSize * (segment + 1) / segments);
        for (int p = (int) ((long) batchSize * segment / segments); p < end; p++) {
            int i = shuffled ? RowPermutation.row(key, rows, batchStart + p) : p;
            int row = i * features;
            if (k == 1) {
                // one output: four running sums, so that the additions do not wait on each other's latency
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int j = 0;
                for (; j + 3 < features; j += 4) {
                    s0 += x[row + j] * weightsByFeature[j];
                    s1 += x[row + j + 1] * weightsByFeature[j + 1];
                    s2 += x[row + j + 2] * weightsByFeature[j + 2];
                    s3 += x[row + j + 3] * weightsByFeature[j + 3];
                }
                for (; j < features; j++) {
                    s0 += x[row + j] * weightsByFeature[j];
                }
                z[0] = intercepts[0] + ((s0 + s1) + (s2 + s3));
            } else {
                System.arraycopy(intercepts, 0, z, 0, k);
                for (int j = 0; j < features; j++) {
                    double value = x[row + j];
                    for (int c = 0; c < k; c++) {
                        z[c] += value * weightsByFeature[j * k + c];
                    }
                }
            }
            double weight = sampleWeights == null ? 1 : sampleWeights[i];
            lossTotal += RowLoss.weightedResiduals(gram, loss, lossParameter, z, 0, k, gram ? 0 : labels[i], weight,
                    r, probabilities);
            for (int c = 0; c < k; c++) {
                interceptTotals[c] += r[c];
            }
            if (k == 1) {
                double factor = r[0];
                for (int j = 0; j < features; j++) {
                    accumulator[j] += factor * x[row + j];
                }
            } else {
                for (int j = 0; j < features; j++) {
                    double value = x[row + j];
                    for (int c = 0; c < k; c++) {
                        accumulator[j * k + c] += r[c] * value;
                    }
                }
            }
        }
        double[] totals = sums.totals[segment];
        for (int c = 0; c < k; c++) {
            totals[c] += interceptTotals[c];
        }
        totals[outputs] += lossTotal;
    }
}
