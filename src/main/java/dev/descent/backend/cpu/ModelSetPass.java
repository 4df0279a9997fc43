package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;

import dev.descent.backend.ModelSetSums;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import java.util.Arrays;

/**
 * The data-term sums of many one-output models over dense rows in one pass ({@link dev.descent.backend.ModelSetSums}):
 * the active models' weights side by side as the k outputs of a softmax tile, so the forward pass Z = X W^T and
 * the gradient G = R^T X run on the register-tiled {@link SoftmaxKernel}; between them each model's loss and
 * residual, masked by the model's fold: logistic on vectors whose lanes are models ({@link ModelSetLanes}, float32
 * as the one-model pass), any other loss row by row in double from the loss table.
 *
 * <p>Rows go in {@link #ranges} fixed ranges whose number depends on the row count only; each range's sums go to
 * its own slot and the slots add up in range order, so the bits do not depend on the threads. A model's outputs,
 * loss and gradient are the same operations wherever it sits among the active models (the kernel's two chains of
 * a class pair are alike, and lanes are independent), so its sums do not depend on which others are active.
 */
final class ModelSetPass {
    /** Rows per range at least: below it a range's bookkeeping outweighs its work. */
    static final int MIN_RANGE_ROWS = 1024;
    /** Ranges at most: enough for the workers to share, few enough that their partial sums stay small. */
    static final int MAX_RANGES = 64;
    /** A range's slot: per packed model its d gradient sums, then its intercept sum and its loss sum. */
    private static final int SLOT_EXTRA = 2;

    private final float[] x;
    private final float[] labels;
    private final float[] sampleWeights;
    private final int rows;
    private final int d;
    private final Loss loss;
    private final double lossParameter;
    private final WorkerPool pool;
    private final int ranges;
    private final boolean vectorLogistic;

    private double[] partials = new double[0];
    private float[] packedWeights = new float[0];
    /** Per worker: the tile's outputs then its coefficients, the chunk's gradient, the rows, the lanes' scratch. */
    private final float[][] tiles;
    private final float[][] accumulators;
    private final float[][] twinScratch;
    private final int[][] tileRows;
    private final float[][] laneScratch;
    /** Per worker, the models' running loss and residual sums of a chunk in float lanes (the logistic lanes' path). */
    private final float[][] lossLanes;
    private final float[][] residualLanes;

    ModelSetPass(Dataset data, Loss loss, double lossParameter, WorkerPool pool) {
        this.x = data.features();
        this.labels = data.labels();
        this.sampleWeights = data.sampleWeights();
        this.rows = data.rows();
        this.d = data.columns();
        this.loss = loss;
        this.lossParameter = lossParameter;
        this.pool = pool;
        this.ranges = Math.max(1, Math.min(MAX_RANGES, rows / MIN_RANGE_ROWS));
        this.vectorLogistic = VectorSupport.AVAILABLE && loss == Loss.LOGISTIC;
        int workers = pool.workers();
        this.tiles = new float[workers][];
        this.accumulators = new float[workers][];
        this.twinScratch = new float[workers][2 * SOFTMAX_ROW_TILE * LANES + LINE_SLACK_FLOATS];
        this.tileRows = new int[workers][SOFTMAX_ROW_TILE];
        this.laneScratch = new float[workers][LaneScratch.RESIDUAL_SUM_AT + LANES + LINE_SLACK_FLOATS];
        this.lossLanes = new float[workers][];
        this.residualLanes = new float[workers][];
    }

    void sums(ModelSetSums.ModelSet set, double[][] parameters, boolean[] active, DataTermSums[] out) {
        int[] models = activeModels(active);
        byte[] folds = set.folds();
        boolean onlyHeldOut = set.onlyHeldOut();
        if (models.length == 0) {
            return;
        }
        // the lanes' path takes whole vectors of models: padding models with zero weights and zero counts
        int k = vectorLogistic ? (models.length + LANES - 1) / LANES * LANES : models.length;
        if (packedWeights.length < k * d) {
            packedWeights = new float[k * d];
        }
        Arrays.fill(packedWeights, 0f);
        float[] intercepts = new float[k];
        int[] heldOut = new int[k];
        Arrays.fill(heldOut, -1);
        // one-vs-rest: each packed model's positive label, NaN for the labels as uploaded (padding: NaN)
        float[] positive = null;
        if (set.positiveLabel() != null) {
            positive = new float[k];
            Arrays.fill(positive, Float.NaN);
            for (int c = 0; c < models.length; c++) {
                positive[c] = set.positiveLabel()[models[c]];
            }
        }
        for (int c = 0; c < models.length; c++) {
            double[] p = parameters[models[c]];
            for (int j = 0; j < d; j++) {
                packedWeights[c * d + j] = (float) p[j];
            }
            intercepts[c] = (float) p[d];
            heldOut[c] = folds == null ? -1 : set.heldOutFold()[models[c]];
        }
        // one scan of the folds per call: each fold's weight (and so each model's S) and the number of folds
        double[] foldWeights = foldWeights(folds);
        float[][] counted = countedByFold(models.length, k, Math.max(1, foldWeights.length - 1), folds, heldOut, onlyHeldOut);
        int width = k * (d + SLOT_EXTRA);
        if (partials.length < ranges * width) {
            partials = new double[ranges * width];
        }
        for (int w = 0; w < tiles.length; w++) {
            if (tiles[w] == null || tiles[w].length < 2 * SOFTMAX_ROW_TILE * k + LINE_SLACK_FLOATS) {
                tiles[w] = new float[2 * SOFTMAX_ROW_TILE * k + LINE_SLACK_FLOATS];
                accumulators[w] = new float[k * d + LINE_SLACK_FLOATS];
                lossLanes[w] = new float[k];
                residualLanes[w] = new float[k];
            }
        }
        float[] weights = packedWeights;
        float[] positiveLabels = positive;
        pool.runEach(ranges, (worker, range) -> range(worker, range, k, weights, intercepts, folds, counted, positiveLabels,
                width));
        for (int c = 0; c < models.length; c++) {
            double[] g = out[models[c]].gradient();
            Arrays.fill(g, 0.0);
            double lossSum = 0;
            for (int range = 0; range < ranges; range++) {
                int base = range * width + c * (d + SLOT_EXTRA);
                for (int j = 0; j <= d; j++) {
                    g[j] += partials[base + j];
                }
                lossSum += partials[base + d + 1];
            }
            double weightSum = foldWeights[foldWeights.length - 1];
            if (folds != null && heldOut[c] >= 0) {
                weightSum = onlyHeldOut ? foldWeights[heldOut[c]] : weightSum - foldWeights[heldOut[c]];
            }
            out[models[c]].setTotals(weightSum, lossSum);
        }
    }

    /** counted[f][c]: 1 where packed model c counts the rows of fold f, else 0 (padding models: 0); one row for no folds. */
    private static float[][] countedByFold(int models, int k, int foldCount, byte[] folds, int[] heldOut,
                                           boolean onlyHeldOut) {
        float[][] counted = new float[foldCount][k];
        for (int f = 0; f < foldCount; f++) {
            for (int c = 0; c < models; c++) {
                counted[f][c] = folds == null || heldOut[c] < 0 || (f == heldOut[c]) == onlyHeldOut ? 1f : 0f;
            }
        }
        return counted;
    }

    /**
     * The sample weights' sum per fold 0..F-1, in row order, then their total: F + 1 values, F the number of folds
     * (0 without folds). One scan of the rows.
     */
    private double[] foldWeights(byte[] folds) {
        double[] perFold = new double[Byte.MAX_VALUE + 1];
        int foldCount = 0;
        double total = 0;
        for (int i = 0; i < rows; i++) {
            double weight = sampleWeights == null ? 1.0 : sampleWeights[i];
            if (folds != null) {
                perFold[folds[i]] += weight;
                foldCount = Math.max(foldCount, folds[i] + 1);
            }
            total += weight;
        }
        double[] sums = Arrays.copyOf(perFold, foldCount + 1);
        sums[foldCount] = total;
        return sums;
    }

    /** Rows [range n / ranges, (range + 1) n / ranges): tiles of four rows, chunk by chunk into float accumulators. */
    private void range(int worker, int range, int k, float[] weights, float[] intercepts, byte[] folds, float[][] counted,
                       float[] positive, int width) {
        int first = (int) ((long) range * rows / ranges);
        int end = (int) ((long) (range + 1) * rows / ranges);
        int base = range * width;
        Arrays.fill(partials, base, base + width, 0.0);
        float[] tile = tiles[worker];
        float[] acc = accumulators[worker];
        int[] tileRow = tileRows[worker];
        float[] lossSums = lossLanes[worker];
        float[] residualSums = residualLanes[worker];
        double[] slope = new double[1];
        int coefficientsAt = SOFTMAX_ROW_TILE * k;
        boolean twin = !VectorSupport.AVAILABLE;
        for (int chunk = first; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, k * d, 0f);
            Arrays.fill(lossSums, 0f);
            Arrays.fill(residualSums, 0f);
            for (int position = chunk; position < chunkEnd; position += SOFTMAX_ROW_TILE) {
                int count = Math.min(SOFTMAX_ROW_TILE, chunkEnd - position);
                for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                    tileRow[r] = position + Math.min(r, count - 1);
                }
                if (twin) {
                    ScalarTwins.softmaxOutputs(x, d, k, weights, tileRow, tile, twinScratch[worker]);
                } else {
                    SoftmaxKernel.outputs(x, d, k, weights, tileRow, tile);
                }
                for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                    int i = tileRow[r];
                    // a tile's repeated last rows: computed, then dropped with weight 0
                    float sampleWeight = r >= count ? 0f : sampleWeights == null ? 1f : sampleWeights[i];
                    float[] countedRow = counted[folds == null ? 0 : folds[i]];
                    if (vectorLogistic) {
                        ModelSetLanes.logisticRow(tile, r, k, coefficientsAt, intercepts, labels[i], positive, sampleWeight,
                                countedRow, laneScratch[worker], lossSums, residualSums);
                        continue;
                    }
                    for (int c = 0; c < k; c++) {
                        double coefficient = 0;
                        if (sampleWeight > 0 && countedRow[c] > 0) {
                            double z = (double) tile[r * k + c] + intercepts[c];
                            float label = positive == null || Float.isNaN(positive[c]) ? labels[i]
                                    : labels[i] == positive[c] ? 1f : 0f;
                            double value = loss.valueAndDerivative(z, label, lossParameter, slope, 0);
                            int at = base + c * (d + SLOT_EXTRA);
                            partials[at + d + 1] += sampleWeight * value;
                            coefficient = sampleWeight * slope[0];
                            partials[at + d] += coefficient;
                        }
                        tile[coefficientsAt + r * k + c] = (float) coefficient;
                    }
                }
                if (twin) {
                    ScalarTwins.softmaxGradient(x, d, k, tileRow, tile, coefficientsAt, acc);
                } else {
                    SoftmaxKernel.gradient(x, d, k, tileRow, tile, coefficientsAt, acc);
                }
            }
            for (int c = 0; c < k; c++) {
                int at = base + c * (d + SLOT_EXTRA);
                for (int j = 0; j < d; j++) {
                    partials[at + j] += acc[c * d + j];
                }
                if (vectorLogistic) {
                    partials[at + d] += residualSums[c];
                    partials[at + d + 1] += lossSums[c];
                }
            }
        }
    }

    private static int[] activeModels(boolean[] active) {
        int count = 0;
        for (boolean a : active) {
            count += a ? 1 : 0;
        }
        int[] models = new int[count];
        int next = 0;
        for (int m = 0; m < active.length; m++) {
            if (active[m]) {
                models[next++] = m;
            }
        }
        return models;
    }
}
