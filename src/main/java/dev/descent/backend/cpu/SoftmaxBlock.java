package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;

import dev.descent.loss.Loss;
import java.util.Arrays;

/**
 * The block of a softmax pass (k outputs a row), {@link CpuTuning#SOFTMAX_ROW_TILE} rows at a time. A tile's
 * last rows, where a chunk ends mid-tile, repeat its last row: their outputs are computed and dropped
 * and their gradient coefficients are 0. Free of Vector API types: it runs the vector parts
 * ({@link SoftmaxKernel}) or their twins, so the block's bookkeeping is written once for both.
 */
final class SoftmaxBlock {
    private SoftmaxBlock() {
    }

    /**
     * One block of a softmax pass: outputs, loss and residuals, then the gradient, tile by tile, each
     * row read from memory once; the tiles' vector parts by {@link SoftmaxKernel} or, when {@code twin},
     * by their scalar twins.
     */
    static void run(CpuPass p, int worker, int blockIndex, boolean twin) {
        final int d = p.features;
        final int k = p.passOutputs;
        final float[] x = p.x;
        final float[] labels = p.y;
        final float[] s = p.sampleWeights;
        final double[] partialGradient = p.partialGradient;
        final float[] w = p.passWeights;
        final float[] b = p.passIntercepts;
        final float[] acc = p.chunkGradient[worker];
        final float[] tile = p.softmaxScratch[worker];
        final int[] rows = p.laneRows[worker];
        final double[] z = p.outputScratch[worker];
        final double[] residuals = p.residualScratch[worker];
        final double[] interceptSums = p.interceptScratch[worker];
        final int width = p.problem.parameterCount();
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        // p.softmaxScratch: the tile's outputs, then its coefficients, SOFTMAX_ROW_TILE * k each
        final int coefficientsAt = SOFTMAX_ROW_TILE * k;
        Arrays.fill(partialGradient, base, base + width, 0.0);
        Arrays.fill(interceptSums, 0, k, 0.0);
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, k * d, 0f);
            for (int position = chunk; position < chunkEnd; position += SOFTMAX_ROW_TILE) {
                int count = Math.min(SOFTMAX_ROW_TILE, chunkEnd - position);
                for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                    rows[r] = p.rowAt(position + Math.min(r, count - 1));
                }
                if (twin) {
                    ScalarTwins.softmaxOutputs(x, d, k, w, rows, tile, p.twinScratch[worker]);
                } else {
                    SoftmaxKernel.outputs(x, d, k, w, rows, tile);
                }
                for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                    if (r >= count) {
                        Arrays.fill(tile, coefficientsAt + r * k, coefficientsAt + (r + 1) * k, 0f);
                        continue;
                    }
                    int i = rows[r];
                    for (int c = 0; c < k; c++) {
                        z[c] = tile[r * k + c] + b[c];
                    }
                    double sampleWeight = s == null ? 1.0 : s[i];
                    int labelIndex = (int) labels[i];
                    double loss = Loss.softmax(z, k, labelIndex, residuals);
                    residuals[labelIndex] -= 1;
                    lossSum += sampleWeight * loss;
                    for (int c = 0; c < k; c++) {
                        double coefficient = sampleWeight * residuals[c];
                        tile[coefficientsAt + r * k + c] = (float) coefficient;
                        interceptSums[c] += coefficient;
                    }
                }
                if (twin) {
                    ScalarTwins.softmaxGradient(x, d, k, rows, tile, coefficientsAt, acc);
                } else {
                    SoftmaxKernel.gradient(x, d, k, rows, tile, coefficientsAt, acc);
                }
            }
            for (int j = 0; j < k * d; j++) {
                partialGradient[base + j] += acc[j];
            }
        }
        for (int c = 0; c < k; c++) {
            partialGradient[base + k * d + c] = interceptSums[c];
        }
        p.partialLoss[blockIndex] = lossSum;
    }
}
