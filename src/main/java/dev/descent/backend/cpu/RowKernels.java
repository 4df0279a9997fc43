package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneMath.*;
import static dev.descent.backend.cpu.LaneScratch.*;
import static dev.descent.backend.cpu.RowLoss.*;
import static dev.descent.backend.cpu.VectorOps.*;

import java.util.Arrays;

/**
 * The blocks of one-output passes that are not the register kernels' rows: four rows at a time below
 * {@link CpuTuning#ONE_ROW_FROM_FEATURES} features and one at a time from there (linear, gram and any
 * loss of the table without kernels of its own), and logistic rows below that width through the lane math.
 */
final class RowKernels {
    private RowKernels() {
    }

    /**
     * The block of a linear or gram pass, and of a logistic pass with rows of
     * {@link CpuTuning#ONE_ROW_FROM_FEATURES} or more. Rows narrower than
     * {@link CpuTuning#ONE_ROW_FROM_FEATURES} go four at a time: the four dot products share each load of w
     * and the four gradient updates share each load and store of the accumulator, which halves the
     * L1 traffic per row and overlaps the four rows' latencies. Wider rows go one at a time.
     */
    static void singleOutputBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final int code = p.passCode;
        final float[] w = p.passWeights;
        final double bias = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final int width = p.singleOutputWidth(code);
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            int position = chunk;
            int groupedEnd = d < ONE_ROW_FROM_FEATURES ? chunkEnd : chunk;
            for (; position + 4 <= groupedEnd; position += 4) {
                int i0 = p.rowAt(position);
                int i1 = p.rowAt(position + 1);
                int i2 = p.rowAt(position + 2);
                int i3 = p.rowAt(position + 3);
                int o0 = i0 * d;
                int o1 = i1 * d;
                int o2 = i2 * d;
                int o3 = i3 * d;
                dot4(p.x, o0, o1, o2, o3, w, d, loss);
                double c0 = weighted(code, p.lossParameter, loss[0] + bias, i0, labels, s, loss, 0);
                double c1 = weighted(code, p.lossParameter, loss[1] + bias, i1, labels, s, loss, 1);
                double c2 = weighted(code, p.lossParameter, loss[2] + bias, i2, labels, s, loss, 2);
                double c3 = weighted(code, p.lossParameter, loss[3] + bias, i3, labels, s, loss, 3);
                lossSum += loss[0] + loss[1] + loss[2] + loss[3];
                interceptSum += c0 + c1 + c2 + c3;
                axpy4(acc, p.x, o0, o1, o2, o3, (float) c0, (float) c1, (float) c2, (float) c3, d);
            }
            for (; position < chunkEnd; position++) {
                interceptSum += p.arrayRow(code, p.rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /**
     * The block of a logistic pass with rows narrower than {@link CpuTuning#ONE_ROW_FROM_FEATURES}:
     * {@link CpuTuning#LANE_GROUP} rows at a time, their dot products and gradient updates as four-row groups
     * (dot4, axpy4) and their loss and residual on float vectors ({@link LaneMath#logisticLanes}); the rest of a chunk one
     * row at a time. A method of its own, not a branch of the linear block's: a JVM that first runs
     * linear or gram passes (as every fit with the auto learning rate does) would otherwise compile
     * the block without the logistic loop and recompile it later, and that recompiled method ran
     * the lane math boxed, three times slower (PairedStep, linear then logistic in one process).
     */
    static void logisticBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final float[] w = p.passWeights;
        final double bias = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] lanes = p.laneScratch[worker];
        final int[] rows = p.laneRows[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final int width = p.problem.parameterCount();
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            Arrays.fill(lanes, LOSS_AT, RESIDUAL_SUM_AT + LANES, 0f);
            int position = chunk;
            for (; position + LANE_GROUP <= chunkEnd; position += LANE_GROUP) {
                for (int first = 0; first < LANE_GROUP; first += 4) {
                    int i0 = p.rowAt(position + first);
                    int i1 = p.rowAt(position + first + 1);
                    int i2 = p.rowAt(position + first + 2);
                    int i3 = p.rowAt(position + first + 3);
                    dot4(p.x, i0 * d, i1 * d, i2 * d, i3 * d, w, d, loss);
                    stageLogisticRow(lanes, rows, first, i0, loss[0], labels, s);
                    stageLogisticRow(lanes, rows, first + 1, i1, loss[1], labels, s);
                    stageLogisticRow(lanes, rows, first + 2, i2, loss[2], labels, s);
                    stageLogisticRow(lanes, rows, first + 3, i3, loss[3], labels, s);
                }
                logisticLanes(lanes, 0, (float) bias);
                logisticLanes(lanes, LANES, (float) bias);
                for (int first = 0; first < LANE_GROUP; first += 4) {
                    axpy4(acc, p.x, rows[first] * d, rows[first + 1] * d, rows[first + 2] * d, rows[first + 3] * d,
                            lanes[Z_AT + first], lanes[Z_AT + first + 1], lanes[Z_AT + first + 2], lanes[Z_AT + first + 3], d);
                }
            }
            lossSum += laneSum(lanes, LOSS_AT);
            interceptSum += laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += p.arrayRow(LOSS_LOGISTIC, p.rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }
}
