package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.MAX_SPARSE_SEGMENTS;
import static dev.descent.backend.cpu.CpuTuning.MIN_SEGMENT_NON_ZEROS;
import static dev.descent.backend.cpu.CpuTuning.SEGMENT_MEMORY_SHARE;
import static dev.descent.backend.cpu.CpuTuning.SPARSE_ROW_TILE;

import dev.descent.backend.RowPermutation;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Problem;

/**
 * The cpu backend's pass over sparse (CSR) rows: for each row, z = x . w + b over its non-zeros, the
 * loss and r = dloss/dz, then s_i r x added into the gradient, while the row is in cache: the
 * non-zeros are read once per pass.
 *
 * <p>The gradient is the hard part: rows scatter into columns, so workers adding into one array would
 * need atomics and would sum in an order that changes from run to run. Instead the batch is cut into
 * segments of consecutive rows, each with its own dense accumulator of k*d doubles, and the segments
 * are summed in segment order, column range by column range on every worker. The number of segments
 * depends only on the data (never on the threads), so the bits do not depend on the machine's cores.
 * Its cost is O(segments * k * d) per pass for the final sum and segments * k * d * 8 bytes of memory;
 * both are capped: at most {@link CpuTuning#SEGMENT_MEMORY_SHARE} of the CSR arrays' bytes, and
 * segments of at least {@link CpuTuning#MIN_SEGMENT_NON_ZEROS} non-zeros, so the final sum stays a
 * small share of the pass. A CSC copy would sum each column in fixed order without it, but doubles X's
 * memory.
 *
 * <p>Weights are read in a (d, k) float32 copy, so a non-zero's k weights are adjacent; z, the loss and
 * the sums are double.
 */
final class SparsePass {
    private final long[] offsets;
    private final int[] columns;
    private final float[] values;
    private final float[] labels;
    private final float[] sampleWeights;
    private final int rows;
    private final int features;
    private final int outputs;
    private final Loss loss;
    private final double lossParameter;
    private final WorkerPool pool;

    private final SegmentSums sums;
    /** Per worker: a tile's z and s_i r (SPARSE_ROW_TILE * k each), a row's softmax probabilities, the tile's rows. */
    private final double[][] outputScratch;
    private final double[][] residualScratch;
    private final double[][] probabilityScratch;
    private final int[][] rowScratch;
    /** The full batch's segment boundaries, balanced by non-zeros: segment s has rows fullStarts[s] .. fullStarts[s+1]-1. */
    private final int[] fullStarts;
    /** The pass's weights, (d, k) float32. */
    private final float[] weightsByFeature;
    private final double[] intercepts;

    // The current pass: written by the calling thread before the pool runs it.
    private boolean gram;
    private boolean shuffled;
    private long key;
    private int batchStart;
    private int segments;
    private int[] starts;
    private final int[] shuffledStarts;
    private int gradientWidth;

    SparsePass(Dataset data, Problem problem, int threads, WorkerPool pool) {
        CsrMatrix x = data.sparseFeatures();
        this.offsets = x.rowOffsets();
        this.columns = x.columnIndices();
        this.values = x.values();
        this.labels = data.labels();
        this.sampleWeights = data.sampleWeights();
        this.rows = data.rows();
        this.features = data.columns();
        this.outputs = problem.outputs();
        this.loss = problem.loss();
        this.lossParameter = problem.lossParameter();
        this.pool = pool;
        int most = segmentsFor(x.nonZeros(), features, outputs, rows);
        this.fullStarts = balancedStarts(most);
        this.shuffledStarts = new int[most + 1];
        this.sums = new SegmentSums(most, features, outputs);
        this.outputScratch = new double[threads][SPARSE_ROW_TILE * outputs];
        this.residualScratch = new double[threads][SPARSE_ROW_TILE * outputs];
        this.rowScratch = new int[threads][SPARSE_ROW_TILE];
        this.probabilityScratch = new double[threads][outputs];
        this.weightsByFeature = new float[outputs * features];
        this.intercepts = new double[outputs];
    }

    /**
     * Segments for a pass over {@code nonZeros}: as many as the memory share and the segment size allow,
     * at most {@link CpuTuning#MAX_SPARSE_SEGMENTS} and at most one per row; at least one.
     */
    static int segmentsFor(long nonZeros, int features, int outputs, int rows) {
        double csrBytes = 8.0 * nonZeros;
        long byMemory = (long) (SEGMENT_MEMORY_SHARE * csrBytes / (8.0 * features * outputs));
        long bySize = nonZeros / MIN_SEGMENT_NON_ZEROS;
        return (int) Math.max(1, Math.min(Math.min(byMemory, bySize), Math.min(MAX_SPARSE_SEGMENTS, rows)));
    }

    /** Row boundaries of {@code count} segments with about equal non-zeros (rows + 1 counted as one each, for empty rows). */
    private int[] balancedStarts(int count) {
        int[] starts = new int[count + 1];
        long total = offsets[rows] + rows;
        int row = 0;
        for (int s = 1; s < count; s++) {
            long target = total * s / count;
            while (row < rows && offsets[row] + row < target) {
                row++;
            }
            starts[s] = Math.max(row, starts[s - 1]);
        }
        starts[count] = rows;
        return starts;
    }

    /**
     * The loss pass at {@code weights} (k, d) and {@code interceptValues}: weighted gradient sums into
     * {@code gradientSums} (k*d, then k), not divided by S; returns the weighted loss sum.
     */
    double lossPass(float[] weights, float[] interceptValues, boolean shuffledBatch, long permutationKey, int start,
                    int size, double[] gradientSums) {
        for (int c = 0; c < outputs; c++) {
            for (int j = 0; j < features; j++) {
                weightsByFeature[j * outputs + c] = weights[c * features + j];
            }
            intercepts[c] = interceptValues[c];
        }
        plan(false, shuffledBatch, permutationKey, start, size);
        pool.runEach(segments, this::runSegment);
        return sums.reduce(pool, segments, gradientSums, outputs);
    }

    /**
     * out = X1^T diag(s) X1 v, unscaled: the gram pass of v = ({@code weights}, d float32 values, then
     * {@code interceptValue}, 0 without an intercept).
     */
    void gramPass(float[] weights, double interceptValue, double[] out) {
        // one output: the (d, k) layout is the weights' own
        System.arraycopy(weights, 0, weightsByFeature, 0, features);
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
        if (!shuffledBatch) {
            segments = fullStarts.length - 1;
            starts = fullStarts;
        } else {
            long expected = Math.round((double) offsets[rows] * size / rows);
            segments = Math.min(fullStarts.length - 1, segmentsFor(expected, features, outputs, size));
            for (int s = 0; s <= segments; s++) {
                shuffledStarts[s] = (int) ((long) size * s / segments);
            }
            starts = shuffledStarts;
        }
    }

    /**
     * The rows of one segment, {@link CpuTuning#SPARSE_ROW_TILE} at a time: first every row's z (its
     * gathers of w independent of the other rows'), then the losses, then every row's scatter into the
     * accumulator, so that a row's scatter need not wait for its own gathers. The tile's non-zeros are
     * still in L1 for the scatter, so memory is read once.
     */
    private void runSegment(int worker, int segment) {
        double[] accumulator = sums.accumulators[segment];
        double[] totals = sums.totals[segment];
        double[] z = outputScratch[worker];
        double[] r = residualScratch[worker];
        double[] probabilities = probabilityScratch[worker];
        int[] tileRows = rowScratch[worker];
        int k = gradientWidth;
        int end = starts[segment + 1];
        for (int tileStart = starts[segment]; tileStart < end; tileStart += SPARSE_ROW_TILE) {
            int tile = Math.min(SPARSE_ROW_TILE, end - tileStart);
            for (int t = 0; t < tile; t++) {
                int i = shuffled ? RowPermutation.row(key, rows, batchStart + tileStart + t) : tileStart + t;
                tileRows[t] = i;
                if (k == 1) {
                    // one output: a plain dot product, which the JIT keeps tight (the general loop's inner c loop it does not)
                    double sum = intercepts[0];
                    for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                        sum += values[p] * weightsByFeature[columns[p]];
                    }
                    z[t] = sum;
                    continue;
                }
                for (int c = 0; c < k; c++) {
                    z[t * k + c] = intercepts[c];
                }
                for (int p = (int) offsets[i]; p < offsets[i + 1]; p++) {
                    int base = columns[p] * k;
                    double value = values[p];
                    for (int c = 0; c < k; c++) {
                        z[t * k + c] += value * weightsByFeature[base + c];
                    }
                }
            }
            for (int t = 0; t < tile; t++) {
                int i = tileRows[t];
                double weight = sampleWeights == null ? 1 : sampleWeights[i];
                totals[outputs] += RowLoss.weightedResiduals(gram, loss, lossParameter, z, t * k, k,
                        gram ? 0 : labels[i], weight, r, probabilities);
                for (int c = 0; c < k; c++) {
                    totals[c] += r[t * k + c];
                }
            }
            for (int t = 0; t < tile; t++) {
                int i = tileRows[t];
                int from = (int) offsets[i];
                int to = (int) offsets[i + 1];
                if (k == 1) {
                    double factor = r[t];
                    for (int p = from; p < to; p++) {
                        accumulator[columns[p]] += factor * values[p];
                    }
                    continue;
                }
                for (int c = 0; c < k; c++) {
                    double factor = r[t * k + c];
                    if (factor != 0) {
                        for (int p = from; p < to; p++) {
                            accumulator[columns[p] * k + c] += factor * values[p];
                        }
                    }
                }
            }
        }
    }
}
