package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneMath.*;
import static dev.descent.backend.cpu.LaneScratch.*;
import static dev.descent.backend.cpu.RowLoss.*;
import static dev.descent.backend.cpu.VectorOps.*;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The register kernels: one-output rows of {@link CpuTuning#NARROW_FROM_FEATURES} + 1 to
 * {@link CpuTuning#NARROW_FLOATS} floats, the weights and the chunk's gradient held in sixteen vector
 * registers (linear and gram in {@link #narrowBlock}, logistic in {@link #narrowLogisticBlock}).
 */
final class RegisterKernels {
    private RegisterKernels() {
    }

    /**
     * The block of a linear or gram pass whose rows fit in eight vectors, one row at a time, with
     * the weights and the chunk's gradient held in registers (locals, never passed to a method, so
     * the JIT keeps them unboxed). Each row is read as eight full vectors: the lanes past d belong
     * to the next row, and meet zero weights in the dot product (features are finite, checked at
     * load) and gradient lanes that are dropped at the end of the chunk. A row whose eight vectors
     * would run past the end of X (only the last row, when d < 64) is read as the last eight full
     * vectors with weight 0 and then taken through the array path ({@link VectorOps#dot}, {@link VectorOps#axpy}).
     *
     * <p>No branch in the row loop chooses between vectors: the loss (linear or gram), the sample
     * weight and that last row enter as scalar factors. With branches (a vector residual on one
     * side, none on the other; a {@code continue} past the vector code for the last row), a JVM
     * whose profile had seen both sides taken (the agreement tests' small shapes, with and
     * without weights, run first) compiled a kernel whose vectors met at a merge point with no
     * exact class, and every vector operation after it ran as a boxed fallback: 0.5-5 MB allocated
     * a step at 8,000 x 64 (SteadyStateAllocationTest, 5 of 6 runs). The factors cost 1-3% against
     * the branches.
     *
     * <p>z comes out of a butterfly sum ({@link VectorOps#SWAP_HALVES}) in every lane, so the residual, the
     * loss and the running sums are computed on vectors, and the scale of the gradient update is
     * already broadcast. Against reduceLanes and the double-precision {@link RowLoss#weighted}: 1.09-1.16x
     * faster at 3,072 x 64 (in L2, one thread); the butterfly with the scalar residual was no faster
     * (0.99-1.01), nor reduceLanes with the vector residual (1.03-1.05)
     * (bench/results/2026-11-23-lanes).
     */
    static void narrowBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final int code = p.passCode;
        final float[] xs = p.x;
        final float[] w = p.narrowWeights;
        final double bias = p.passIntercepts[0];
        final float biasF = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final float[] registers = p.laneScratch[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final int width = p.singleOutputWidth(code);
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        final int lastFullOffset = xs.length - NARROW_FLOATS;
        // Linear rows: residual 2 s (z - y), loss s (z - y)^2; gram rows (X^T X v): residual s z,
        // loss unused. Per pass, as factors, not as a branch per row: see the method's comment.
        final float labelFactor = code == LOSS_LINEAR ? 1f : 0f;
        final float residualFactor = code == LOSS_LINEAR ? 2f : 1f;
        final FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0);
        final FloatVector w1 = FloatVector.fromArray(SPECIES, w, LANES);
        final FloatVector w2 = FloatVector.fromArray(SPECIES, w, 2 * LANES);
        final FloatVector w3 = FloatVector.fromArray(SPECIES, w, 3 * LANES);
        final FloatVector w4 = FloatVector.fromArray(SPECIES, w, 4 * LANES);
        final FloatVector w5 = FloatVector.fromArray(SPECIES, w, 5 * LANES);
        final FloatVector w6 = FloatVector.fromArray(SPECIES, w, 6 * LANES);
        final FloatVector w7 = FloatVector.fromArray(SPECIES, w, 7 * LANES);
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            // The last row of X when its eight vectors would run past the end (d < 64); it goes
            // through the array path into acc after the loop, so acc is cleared and folded only in
            // the chunk that has it (1.02-1.10x at 1,000,000 x 64, bench/results/2026-11-23-two-rows).
            int lastRow = -1;
            FloatVector lossLanes = FloatVector.zero(SPECIES);
            FloatVector interceptLanes = lossLanes;
            FloatVector g0 = FloatVector.zero(SPECIES);
            FloatVector g1 = g0;
            FloatVector g2 = g0;
            FloatVector g3 = g0;
            FloatVector g4 = g0;
            FloatVector g5 = g0;
            FloatVector g6 = g0;
            FloatVector g7 = g0;
            for (int position = chunk; position < chunkEnd; position++) {
                int row = p.rowAt(position);
                int o = row * d;
                float weight = s == null ? 1f : s[row];
                if (o > lastFullOffset) {
                    // Read the last eight full vectors instead and give them weight 0.
                    lastRow = row;
                    o = lastFullOffset;
                    weight = 0f;
                }
                FloatVector x0 = FloatVector.fromArray(SPECIES, xs, o);
                FloatVector x1 = FloatVector.fromArray(SPECIES, xs, o + LANES);
                FloatVector x2 = FloatVector.fromArray(SPECIES, xs, o + 2 * LANES);
                FloatVector x3 = FloatVector.fromArray(SPECIES, xs, o + 3 * LANES);
                FloatVector x4 = FloatVector.fromArray(SPECIES, xs, o + 4 * LANES);
                FloatVector x5 = FloatVector.fromArray(SPECIES, xs, o + 5 * LANES);
                FloatVector x6 = FloatVector.fromArray(SPECIES, xs, o + 6 * LANES);
                FloatVector x7 = FloatVector.fromArray(SPECIES, xs, o + 7 * LANES);
                // A balanced tree of the eight products: three adds deep instead of a chain of eight FMAs.
                FloatVector products = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3)))
                        .add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
                FloatVector sum = products.add(products.rearrange(SWAP_HALVES));
                sum = sum.add(sum.rearrange(SWAP_QUARTERS));
                if (LANES == 8) {
                    sum = sum.add(sum.rearrange(SWAP_EIGHTHS));
                }
                FloatVector error = sum.add(biasF).sub(labels[row] * labelFactor);
                FloatVector scale = error.mul(weight * residualFactor);
                // error * scale is twice the linear loss, exactly (scaling by 2 rounds the same); halved per chunk.
                lossLanes = error.fma(scale, lossLanes);
                interceptLanes = interceptLanes.add(scale);
                g0 = x0.fma(scale, g0);
                g1 = x1.fma(scale, g1);
                g2 = x2.fma(scale, g2);
                g3 = x3.fma(scale, g3);
                g4 = x4.fma(scale, g4);
                g5 = x5.fma(scale, g5);
                g6 = x6.fma(scale, g6);
                g7 = x7.fma(scale, g7);
            }
            g0.intoArray(registers, 0);
            g1.intoArray(registers, LANES);
            g2.intoArray(registers, 2 * LANES);
            g3.intoArray(registers, 3 * LANES);
            g4.intoArray(registers, 4 * LANES);
            g5.intoArray(registers, 5 * LANES);
            g6.intoArray(registers, 6 * LANES);
            g7.intoArray(registers, 7 * LANES);
            lossSum += 0.5 * lossLanes.lane(0);
            interceptSum += interceptLanes.lane(0);
            if (lastRow >= 0) {
                Arrays.fill(acc, 0, d, 0f);
                interceptSum += p.arrayRow(code, lastRow, p.passWeights, bias, acc, loss);
                lossSum += loss[0];
                for (int j = 0; j < d; j++) {
                    p.partialGradient[base + j] += registers[j] + acc[j];
                }
            } else {
                for (int j = 0; j < d; j++) {
                    p.partialGradient[base + j] += registers[j];
                }
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /**
     * The block of a logistic pass whose rows fit in eight vectors, {@link CpuTuning#LANE_GROUP} rows at a
     * time: this method picks the rows and stages their labels and sample weights (in a full batch
     * the group's are consecutive and copied whole: 1.06-1.07x at 3,072 x 64 against row by row,
     * bench/results/2026-11-23-lanes); per group,
     * {@link #narrowLogisticDots} computes z, {@link LaneMath#logisticLanes} the loss and residual on two
     * vectors, and {@link #narrowLogisticGradient} adds the rows to the chunk's gradient. The rest of
     * a chunk, and rows whose eight vectors would run past the end of X, take the array path. Its
     * own method for the reason given at {@link RowKernels#logisticBlock}. Against logisticBlock at
     * 1,000,000 x 64 (two threads) and 2048 x 64 (one): 1.08-1.16x faster
     * (bench/results/2026-11-23-narrow).
     *
     * <p>Why the vector work is split into methods of its own, each over 325 bytes of bytecode (so
     * that C2 never inlines them here or into each other; FreqInlineSize): on JDK 17 an intoArray
     * whose vector's exact class was not yet known failed to intrinsify (-XX:+PrintIntrinsics:
     * "missing constant: vclass=DecodeN"), and the vectors feeding it were allocated on every row:
     * several GB/s of garbage and a step two to five times slower, in some processes and not others.
     * With the dots and the gradient in one method that happened in about half of the processes
     * measured; split, in none of ten (bench/results/2026-11-23-jit-cutoff). The cause
     * (bench/results/2026-11-23-trap-limit): class-check traps recorded in the Vector API's shared
     * methods are counted once per inlined operation, and past PerMethodTrapLimit C2 compiles the
     * whole method without class-check speculation; a large method gets there first.
     * {@link VectorProfiles} keeps those traps from happening (the unsplit kernel with it: no
     * slow process of 8); the split stays, measured and no slower.
     */
    static void narrowLogisticBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final float[] acc = p.chunkGradient[worker];
        final float[] lanes = p.laneScratch[worker];
        final int[] rows = p.laneRows[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final float bias = p.passIntercepts[0];
        final int width = p.problem.parameterCount();
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        final int lastFullOffset = p.x.length - NARROW_FLOATS;
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            Arrays.fill(lanes, 0, NARROW_FLOATS, 0f);
            Arrays.fill(lanes, LOSS_AT, RESIDUAL_SUM_AT + LANES, 0f);
            if (s == null) {
                Arrays.fill(lanes, WEIGHT_AT, WEIGHT_AT + LANE_GROUP, 1f);
            }
            int position = chunk;
            groups:
            for (; position + LANE_GROUP <= chunkEnd; position += LANE_GROUP) {
                if (p.passShuffled) {
                    for (int r = 0; r < LANE_GROUP; r++) {
                        int row = p.rowAt(position + r);
                        if (row * d > lastFullOffset) {
                            break groups;
                        }
                        stageRow(lanes, rows, r, row, labels, s);
                    }
                } else {
                    // A full batch: the group's rows, labels and sample weights are consecutive.
                    if ((position + LANE_GROUP - 1) * d > lastFullOffset) {
                        break groups;
                    }
                    for (int r = 0; r < LANE_GROUP; r++) {
                        rows[r] = position + r;
                    }
                    System.arraycopy(labels, position, lanes, LABEL_AT, LANE_GROUP);
                    if (s != null) {
                        System.arraycopy(s, position, lanes, WEIGHT_AT, LANE_GROUP);
                    }
                }
                narrowLogisticDots(p.x, d, p.narrowWeights, lanes, rows);
                logisticLanes(lanes, 0, bias);
                logisticLanes(lanes, LANES, bias);
                narrowLogisticGradient(p.x, d, lanes, rows);
            }
            lossSum += laneSum(lanes, LOSS_AT);
            interceptSum += laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += p.arrayRow(LOSS_LOGISTIC, p.rowAt(position), p.passWeights, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += lanes[j] + acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /**
     * The z of one group of {@link #narrowLogisticBlock} into lanes[Z_AT ..]: rows
     * {@code rows[0 .. LANE_GROUP)}, each read as eight full vectors (the lanes past d belong to the next
     * row and meet zero weights). The weights are loaded once per group. One of the group's vector
     * parts, each a method of its own (see {@link #narrowLogisticBlock}); at 328 bytes of bytecode it
     * is just over the 325 that keeps C2 from inlining it, so mind its size when editing it.
     */
    static void narrowLogisticDots(float[] xs, int d, float[] w, float[] lanes, int[] rows) {
        FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0);
        FloatVector w1 = FloatVector.fromArray(SPECIES, w, LANES);
        FloatVector w2 = FloatVector.fromArray(SPECIES, w, 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(SPECIES, w, 3 * LANES);
        FloatVector w4 = FloatVector.fromArray(SPECIES, w, 4 * LANES);
        FloatVector w5 = FloatVector.fromArray(SPECIES, w, 5 * LANES);
        FloatVector w6 = FloatVector.fromArray(SPECIES, w, 6 * LANES);
        FloatVector w7 = FloatVector.fromArray(SPECIES, w, 7 * LANES);
        for (int r = 0; r < LANE_GROUP; r++) {
            int o = rows[r] * d;
            FloatVector products = FloatVector.fromArray(SPECIES, xs, o).mul(w0)
                    .add(FloatVector.fromArray(SPECIES, xs, o + LANES).mul(w1))
                    .add(FloatVector.fromArray(SPECIES, xs, o + 2 * LANES).mul(w2)
                            .add(FloatVector.fromArray(SPECIES, xs, o + 3 * LANES).mul(w3)))
                    .add(FloatVector.fromArray(SPECIES, xs, o + 4 * LANES).mul(w4)
                            .add(FloatVector.fromArray(SPECIES, xs, o + 5 * LANES).mul(w5))
                            .add(FloatVector.fromArray(SPECIES, xs, o + 6 * LANES).mul(w6)
                                    .add(FloatVector.fromArray(SPECIES, xs, o + 7 * LANES).mul(w7))));
            lanes[Z_AT + r] = products.reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * The gradient of one group of {@link #narrowLogisticBlock}: each row times its weighted
     * residual (lanes[Z_AT ..], from {@link LaneMath#logisticLanes}) added to the chunk's gradient in
     * lanes[0 .. NARROW_FLOATS) (lanes past d are dropped by the caller), the rows read again from L1.
     */
    static void narrowLogisticGradient(float[] xs, int d, float[] lanes, int[] rows) {
        FloatVector g0 = FloatVector.fromArray(SPECIES, lanes, 0);
        FloatVector g1 = FloatVector.fromArray(SPECIES, lanes, LANES);
        FloatVector g2 = FloatVector.fromArray(SPECIES, lanes, 2 * LANES);
        FloatVector g3 = FloatVector.fromArray(SPECIES, lanes, 3 * LANES);
        FloatVector g4 = FloatVector.fromArray(SPECIES, lanes, 4 * LANES);
        FloatVector g5 = FloatVector.fromArray(SPECIES, lanes, 5 * LANES);
        FloatVector g6 = FloatVector.fromArray(SPECIES, lanes, 6 * LANES);
        FloatVector g7 = FloatVector.fromArray(SPECIES, lanes, 7 * LANES);
        for (int r = 0; r < LANE_GROUP; r++) {
            int o = rows[r] * d;
            FloatVector scale = FloatVector.broadcast(SPECIES, lanes[Z_AT + r]);
            g0 = FloatVector.fromArray(SPECIES, xs, o).fma(scale, g0);
            g1 = FloatVector.fromArray(SPECIES, xs, o + LANES).fma(scale, g1);
            g2 = FloatVector.fromArray(SPECIES, xs, o + 2 * LANES).fma(scale, g2);
            g3 = FloatVector.fromArray(SPECIES, xs, o + 3 * LANES).fma(scale, g3);
            g4 = FloatVector.fromArray(SPECIES, xs, o + 4 * LANES).fma(scale, g4);
            g5 = FloatVector.fromArray(SPECIES, xs, o + 5 * LANES).fma(scale, g5);
            g6 = FloatVector.fromArray(SPECIES, xs, o + 6 * LANES).fma(scale, g6);
            g7 = FloatVector.fromArray(SPECIES, xs, o + 7 * LANES).fma(scale, g7);
        }
        g0.intoArray(lanes, 0);
        g1.intoArray(lanes, LANES);
        g2.intoArray(lanes, 2 * LANES);
        g3.intoArray(lanes, 3 * LANES);
        g4.intoArray(lanes, 4 * LANES);
        g5.intoArray(lanes, 5 * LANES);
        g6.intoArray(lanes, 6 * LANES);
        g7.intoArray(lanes, 7 * LANES);
    }
}
