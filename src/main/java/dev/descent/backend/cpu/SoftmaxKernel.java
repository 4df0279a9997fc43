package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.VectorOps.*;

import dev.descent.loss.Loss;
import java.util.Arrays;

/** The block of a softmax pass (k outputs a row). */
final class SoftmaxKernel {
    private SoftmaxKernel() {
    }

    /** One block of a softmax pass: k outputs per row, then loss, residuals and k gradient rows, each row read once. */
    static void block(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final int k = p.passOutputs;
        final float[] x = p.x;
        final float[] labels = p.y;
        final float[] s = p.sampleWeights;
        final double[] partialGradient = p.partialGradient;
        final float[] w = p.passWeights;
        final float[] b = p.passIntercepts;
        final float[] acc = p.chunkGradient[worker];
        final double[] z = p.outputScratch[worker];
        final double[] residuals = p.residualScratch[worker];
        final double[] interceptSums = p.interceptScratch[worker];
        final int width = p.problem.parameterCount();
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        Arrays.fill(partialGradient, base, base + width, 0.0);
        Arrays.fill(interceptSums, 0, k, 0.0);
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, k * d, 0f);
            for (int position = chunk; position < chunkEnd; position++) {
                int i = p.rowAt(position);
                int offset = i * d;
                for (int c = 0; c < k; c++) {
                    z[c] = dot(x, offset, w, c * d, d) + b[c];
                }
                double sampleWeight = s == null ? 1.0 : s[i];
                int labelIndex = (int) labels[i];
                double loss = Loss.softmax(z, k, labelIndex, residuals);
                residuals[labelIndex] -= 1;
                lossSum += sampleWeight * loss;
                for (int c = 0; c < k; c++) {
                    double coefficient = sampleWeight * residuals[c];
                    axpy(acc, c * d, x, offset, (float) coefficient, d);
                    interceptSums[c] += coefficient;
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
