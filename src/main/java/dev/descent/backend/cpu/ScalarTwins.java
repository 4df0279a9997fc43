package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneMath.EXP_LOWER_BOUND;
import static dev.descent.backend.cpu.LaneMath.ROUNDING_SHIFTER;
import static dev.descent.backend.cpu.LaneMath.ROUNDING_SHIFTER_BITS;
import static dev.descent.backend.cpu.LaneScratch.*;
import static dev.descent.backend.cpu.RowLoss.*;

import dev.descent.loss.Loss;
import java.util.Arrays;

/**
 * Scalar twins of the vector kernels: the same block results, bit for bit, from plain float loops.
 *
 * <p>Why: until C2 has compiled a Vector API kernel, every vector operation runs boxed, orders of
 * magnitude slower than scalar code, and a fresh JVM spends its first passes there (0.6-0.9 s at
 * 20,000 x 64, bench/results/2026-12-05-time-to-solution). Plain loops are fast from the interpreter
 * on and compile early, so the cpu backend runs these until its {@link KernelWarmUp} has seen the
 * vector code win. They are twins, not a second kernel: each emulates its vector kernel lane by lane,
 * with the same operations in the same order (Math.fma where the kernel fuses, a separate multiply and
 * add where it does not, a lane reduction from lane 0 up as {@code reduceLanes(ADD)} does, the butterfly
 * by its strides), so the results do not depend on which of the two ran a block. ScalarTwinsTest holds
 * every family to its kernel's bits.
 *
 * <p>Lane arrays live in the per-worker {@link CpuPass#twinScratch}: sums {@code q} of a dot product
 * are lanes [q LANES, (q + 1) LANES).
 */
final class ScalarTwins {
    private ScalarTwins() {
    }

    /** {@link RegisterKernels#narrowBlock}'s twin. */
    static void narrowBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final int code = p.passCode;
        final float[] xs = p.x;
        final float[] w = p.narrowWeights;
        final double bias = p.passIntercepts[0];
        final float biasF = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final float[] registers = p.laneScratch[worker];
        final float[] products = p.twinScratch[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final int width = p.singleOutputWidth(code);
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        final int lastFullOffset = xs.length - NARROW_FLOATS;
        final float labelFactor = code == LOSS_LINEAR ? 1f : 0f;
        final float residualFactor = code == LOSS_LINEAR ? 2f : 1f;
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            int lastRow = -1;
            float lossLane = 0f;
            float interceptLane = 0f;
            Arrays.fill(registers, 0, NARROW_FLOATS, 0f);
            for (int position = chunk; position < chunkEnd; position++) {
                int row = p.rowAt(position);
                int o = row * d;
                float weight = s == null ? 1f : s[row];
                if (o > lastFullOffset) {
                    lastRow = row;
                    o = lastFullOffset;
                    weight = 0f;
                }
                narrowProducts(xs, o, w, products);
                float z = butterflySum(products);
                float error = (z + biasF) - labels[row] * labelFactor;
                float scale = error * (weight * residualFactor);
                lossLane = Math.fma(error, scale, lossLane);
                interceptLane = interceptLane + scale;
                for (int j = 0; j < NARROW_FLOATS; j++) {
                    registers[j] = Math.fma(xs[o + j], scale, registers[j]);
                }
            }
            lossSum += 0.5 * lossLane;
            interceptSum += interceptLane;
            if (lastRow >= 0) {
                Arrays.fill(acc, 0, d, 0f);
                interceptSum += arrayRow(p, worker, code, lastRow, p.passWeights, bias, acc, loss);
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

    /** {@link RegisterKernels#narrowLogisticBlock}'s twin (with its dots, lane math and gradient). */
    static void narrowLogisticBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final float[] xs = p.x;
        final float[] w = p.narrowWeights;
        final float[] acc = p.chunkGradient[worker];
        final float[] lanes = p.laneScratch[worker];
        final float[] products = p.twinScratch[worker];
        final int[] rows = p.laneRows[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] s = p.sampleWeights;
        final float[] labels = p.y;
        final float bias = p.passIntercepts[0];
        final int width = p.problem.parameterCount();
        final int base = blockIndex * width;
        final int end = p.blockEnd(blockIndex);
        final int lastFullOffset = xs.length - NARROW_FLOATS;
        Arrays.fill(p.partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * p.rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            Arrays.fill(lanes, 0, NARROW_FLOATS, 0f);
            Arrays.fill(lanes, LOSS_AT, RESIDUAL_SUM_AT + LANES, 0f);
            int position = chunk;
            groups:
            for (; position + LANE_GROUP <= chunkEnd; position += LANE_GROUP) {
                for (int r = 0; r < LANE_GROUP; r++) {
                    int row = p.rowAt(position + r);
                    if (row * d > lastFullOffset) {
                        break groups;
                    }
                    stageRow(lanes, rows, r, row, labels, s);
                }
                for (int r = 0; r < LANE_GROUP; r++) {
                    narrowProducts(xs, rows[r] * d, w, products);
                    lanes[Z_AT + r] = laneSum(products);
                }
                logisticLanes(lanes, 0, bias);
                logisticLanes(lanes, LANES, bias);
                for (int r = 0; r < LANE_GROUP; r++) {
                    int o = rows[r] * d;
                    float scale = lanes[Z_AT + r];
                    for (int j = 0; j < NARROW_FLOATS; j++) {
                        lanes[j] = Math.fma(xs[o + j], scale, lanes[j]);
                    }
                }
            }
            lossSum += LaneScratch.laneSum(lanes, LOSS_AT);
            interceptSum += LaneScratch.laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(p, worker, LOSS_LOGISTIC, p.rowAt(position), p.passWeights, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += lanes[j] + acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /** {@link RowKernels#singleOutputBlock}'s twin. */
    static void singleOutputBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final int code = p.passCode;
        final float[] w = p.passWeights;
        final double bias = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] sums = p.twinScratch[worker];
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
                dot4(p.x, i0 * d, i1 * d, i2 * d, i3 * d, w, d, sums, loss);
                double c0 = weighted(code, p.lossParameter, loss[0] + bias, i0, labels, s, loss, 0);
                double c1 = weighted(code, p.lossParameter, loss[1] + bias, i1, labels, s, loss, 1);
                double c2 = weighted(code, p.lossParameter, loss[2] + bias, i2, labels, s, loss, 2);
                double c3 = weighted(code, p.lossParameter, loss[3] + bias, i3, labels, s, loss, 3);
                lossSum += loss[0] + loss[1] + loss[2] + loss[3];
                interceptSum += c0 + c1 + c2 + c3;
                axpy4(acc, p.x, i0 * d, i1 * d, i2 * d, i3 * d, (float) c0, (float) c1, (float) c2, (float) c3, d);
            }
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(p, worker, code, p.rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /** {@link RowKernels#logisticBlock}'s twin. */
    static void logisticBlock(CpuPass p, int worker, int blockIndex) {
        final int d = p.features;
        final float[] w = p.passWeights;
        final double bias = p.passIntercepts[0];
        final float[] acc = p.chunkGradient[worker];
        final double[] loss = p.outputScratch[worker];
        final float[] lanes = p.laneScratch[worker];
        final float[] sums = p.twinScratch[worker];
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
                    dot4(p.x, i0 * d, i1 * d, i2 * d, i3 * d, w, d, sums, loss);
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
            lossSum += LaneScratch.laneSum(lanes, LOSS_AT);
            interceptSum += LaneScratch.laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(p, worker, LOSS_LOGISTIC, p.rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                p.partialGradient[base + j] += acc[j];
            }
        }
        p.partialGradient[base + d] = interceptSum;
        p.partialLoss[blockIndex] = lossSum;
    }

    /** {@link SoftmaxKernel#outputs}' twin; sums[0 .. 2 SOFTMAX_ROW_TILE LANES) is scratch (the eight vector sums). */
    static void softmaxOutputs(float[] x, int d, int k, float[] w, int[] rows, float[] out, float[] sums) {
        final int upper = d - d % LANES;
        for (int first = 0; first < k; first += 2) {
            int second = Math.min(first + 1, k - 1);
            int wa = first * d;
            int wb = second * d;
            Arrays.fill(sums, 0, 2 * SOFTMAX_ROW_TILE * LANES, 0f);
            for (int j = 0; j < upper; j += LANES) {
                for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                    int o = rows[r] * d + j;
                    int a = 2 * r * LANES;
                    int b = a + LANES;
                    for (int l = 0; l < LANES; l++) {
                        sums[a + l] = Math.fma(x[o + l], w[wa + j + l], sums[a + l]);
                        sums[b + l] = Math.fma(x[o + l], w[wb + j + l], sums[b + l]);
                    }
                }
            }
            for (int r = 0; r < SOFTMAX_ROW_TILE; r++) {
                int o = rows[r] * d;
                float za = 0f;
                float zb = 0f;
                for (int l = 0; l < LANES; l++) {
                    za += sums[2 * r * LANES + l];
                    zb += sums[(2 * r + 1) * LANES + l];
                }
                for (int j = upper; j < d; j++) {
                    za = Math.fma(x[o + j], w[wa + j], za);
                    zb = Math.fma(x[o + j], w[wb + j], zb);
                }
                out[r * k + first] = za;
                out[r * k + second] = zb;
            }
        }
    }

    /** {@link SoftmaxKernel#gradient}'s twin: lane by lane its FMAs are the tail loop's, so every column goes that way. */
    static void softmaxGradient(float[] x, int d, int k, int[] rows, float[] coefficients, int at, float[] acc) {
        final int o0 = rows[0] * d;
        final int o1 = rows[1] * d;
        final int o2 = rows[2] * d;
        final int o3 = rows[3] * d;
        for (int first = 0; first < k; first += 2) {
            int second = Math.min(first + 1, k - 1);
            boolean repeated = second == first;
            float ca0 = coefficients[at + first];
            float ca1 = coefficients[at + k + first];
            float ca2 = coefficients[at + 2 * k + first];
            float ca3 = coefficients[at + 3 * k + first];
            float cb0 = repeated ? 0f : coefficients[at + second];
            float cb1 = repeated ? 0f : coefficients[at + k + second];
            float cb2 = repeated ? 0f : coefficients[at + 2 * k + second];
            float cb3 = repeated ? 0f : coefficients[at + 3 * k + second];
            int ga = first * d;
            int gb = second * d;
            for (int j = 0; j < d; j++) {
                float g = acc[ga + j];
                g = Math.fma(x[o0 + j], ca0, g);
                g = Math.fma(x[o1 + j], ca1, g);
                g = Math.fma(x[o2 + j], ca2, g);
                g = Math.fma(x[o3 + j], ca3, g);
                acc[ga + j] = g;
                float h = acc[gb + j];
                h = Math.fma(x[o0 + j], cb0, h);
                h = Math.fma(x[o1 + j], cb1, h);
                h = Math.fma(x[o2 + j], cb2, h);
                h = Math.fma(x[o3 + j], cb3, h);
                acc[gb + j] = h;
            }
        }
    }

    /** {@link CpuPass#arrayRow}'s twin. */
    private static double arrayRow(CpuPass p, int worker, int code, int row, float[] w, double bias, float[] acc,
                                   double[] loss) {
        int d = p.features;
        int offset = row * d;
        double z = dot(p.x, offset, w, 0, d, p.twinScratch[worker]) + bias;
        double c = weighted(code, p.lossParameter, z, row, p.y, p.sampleWeights, loss, 0);
        axpy(acc, 0, p.x, offset, (float) c, d);
        return c;
    }

    /**
     * A register kernel row's products, lane by lane into products[0 .. LANES): the row's eight vectors
     * times the weights', summed as the kernels' balanced tree ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
     */
    private static void narrowProducts(float[] xs, int o, float[] w, float[] products) {
        for (int l = 0; l < LANES; l++) {
            float p0 = xs[o + l] * w[l];
            float p1 = xs[o + LANES + l] * w[LANES + l];
            float p2 = xs[o + 2 * LANES + l] * w[2 * LANES + l];
            float p3 = xs[o + 3 * LANES + l] * w[3 * LANES + l];
            float p4 = xs[o + 4 * LANES + l] * w[4 * LANES + l];
            float p5 = xs[o + 5 * LANES + l] * w[5 * LANES + l];
            float p6 = xs[o + 6 * LANES + l] * w[6 * LANES + l];
            float p7 = xs[o + 7 * LANES + l] * w[7 * LANES + l];
            products[l] = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
        }
    }

    /** The butterfly sum of lanes[0 .. LANES) ({@link VectorOps#SWAP_HALVES} and on): lane 0's value, which every lane holds. */
    private static float butterflySum(float[] lanes) {
        for (int stride = LANES / 2; stride >= 1; stride /= 2) {
            for (int l = 0; l < stride; l++) {
                lanes[l] = lanes[l] + lanes[l + stride];
            }
        }
        return lanes[0];
    }

    /** reduceLanes(ADD) of lanes[0 .. LANES): from zero, lane 0 up. */
    private static float laneSum(float[] lanes) {
        float sum = 0f;
        for (int l = 0; l < LANES; l++) {
            sum += lanes[l];
        }
        return sum;
    }

    /** {@link VectorOps#dot4}'s twin; sums[0 .. 4 LANES) is scratch. */
    private static void dot4(float[] x, int o0, int o1, int o2, int o3, float[] w, int d, float[] sums, double[] out) {
        Arrays.fill(sums, 0, 4 * LANES, 0f);
        int upper = d - d % LANES;
        int j = 0;
        for (; j < upper; j += LANES) {
            for (int l = 0; l < LANES; l++) {
                float wl = w[j + l];
                sums[l] = Math.fma(x[o0 + j + l], wl, sums[l]);
                sums[LANES + l] = Math.fma(x[o1 + j + l], wl, sums[LANES + l]);
                sums[2 * LANES + l] = Math.fma(x[o2 + j + l], wl, sums[2 * LANES + l]);
                sums[3 * LANES + l] = Math.fma(x[o3 + j + l], wl, sums[3 * LANES + l]);
            }
        }
        float z0 = 0f;
        float z1 = 0f;
        float z2 = 0f;
        float z3 = 0f;
        for (int l = 0; l < LANES; l++) {
            z0 += sums[l];
            z1 += sums[LANES + l];
            z2 += sums[2 * LANES + l];
            z3 += sums[3 * LANES + l];
        }
        for (; j < d; j++) {
            z0 = Math.fma(x[o0 + j], w[j], z0);
            z1 = Math.fma(x[o1 + j], w[j], z1);
            z2 = Math.fma(x[o2 + j], w[j], z2);
            z3 = Math.fma(x[o3 + j], w[j], z3);
        }
        out[0] = z0;
        out[1] = z1;
        out[2] = z2;
        out[3] = z3;
    }

    /** {@link VectorOps#axpy4}'s twin: lane by lane its FMAs are the tail loop's, so the whole row goes that way. */
    private static void axpy4(float[] acc, float[] x, int o0, int o1, int o2, int o3, float a0, float a1, float a2,
                              float a3, int d) {
        for (int j = 0; j < d; j++) {
            float sum = acc[j];
            sum = Math.fma(x[o0 + j], a0, sum);
            sum = Math.fma(x[o1 + j], a1, sum);
            sum = Math.fma(x[o2 + j], a2, sum);
            sum = Math.fma(x[o3 + j], a3, sum);
            acc[j] = sum;
        }
    }

    /** {@link VectorOps#dot}'s twin; sums[0 .. 4 LANES) is scratch. */
    private static float dot(float[] x, int xOffset, float[] w, int wOffset, int d, float[] sums) {
        Arrays.fill(sums, 0, 4 * LANES, 0f);
        int upper = d - d % LANES;
        int fourVectorsBound = upper - upper % (4 * LANES);
        int j = 0;
        for (; j < fourVectorsBound; j += 4 * LANES) {
            for (int l = 0; l < 4 * LANES; l++) {
                sums[l] = Math.fma(x[xOffset + j + l], w[wOffset + j + l], sums[l]);
            }
        }
        for (; j < upper; j += LANES) {
            for (int l = 0; l < LANES; l++) {
                sums[l] = Math.fma(x[xOffset + j + l], w[wOffset + j + l], sums[l]);
            }
        }
        float result = 0f;
        for (int l = 0; l < LANES; l++) {
            result += (sums[l] + sums[LANES + l]) + (sums[2 * LANES + l] + sums[3 * LANES + l]);
        }
        for (; j < d; j++) {
            result = Math.fma(x[xOffset + j], w[wOffset + j], result);
        }
        return result;
    }

    /** {@link VectorOps#axpy}'s twin: lane by lane its FMA is the tail loop's. */
    private static void axpy(float[] acc, int accOffset, float[] x, int xOffset, float a, int d) {
        for (int j = 0; j < d; j++) {
            acc[accOffset + j] = Math.fma(x[xOffset + j], a, acc[accOffset + j]);
        }
    }

    /** {@link LaneMath#logisticLanes}'s twin, lane by lane, for the LANES rows from {@code first}. */
    private static void logisticLanes(float[] lanes, int first, float bias) {
        for (int l = 0; l < LANES; l++) {
            float z = lanes[Z_AT + first + l] + bias;
            float label = lanes[LABEL_AT + first + l];
            float sampleWeight = lanes[WEIGHT_AT + first + l];

            float x = Math.max(-Math.abs(z), EXP_LOWER_BOUND);
            float shifted = x * 1.44269504088896341f + ROUNDING_SHIFTER;
            float k = shifted - ROUNDING_SHIFTER;
            float r = Math.fma(k, 2.12194440e-4f, x - k * 0.693359375f);
            float r2 = r * r;
            float r4 = r2 * r2;
            float p01 = Math.fma(r, 1.6666665459e-1f, 5.0000001201e-1f);
            float p23 = Math.fma(r, 8.3334519073e-3f, 4.1665795894e-2f);
            float p45 = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
            float polynomial = Math.fma(Math.fma(p45, r4, Math.fma(p23, r2, p01)), r2, r) + 1f;
            int twoToK = (Float.floatToRawIntBits(shifted) - ROUNDING_SHIFTER_BITS) << 23;
            float e = Float.intBitsToFloat(Float.floatToRawIntBits(polynomial) + twoToK);

            float s = e / (e + 2f);
            float t = s * s;
            float t2 = t * t;
            float t4 = t2 * t2;
            float s01 = Math.fma(t, 1f / 3, 1f);
            float s23 = Math.fma(t, 1f / 7, 1f / 5);
            float s45 = Math.fma(t, 1f / 11, 1f / 9);
            float s67 = Math.fma(t, 1f / 15, 1f / 13);
            float series = Math.fma(Math.fma(s67, t2, s45), t4, Math.fma(s23, t2, s01));
            float log1p = (s + s) * series;

            float loss = ((Math.max(z, 0f) - label * z) + log1p) * sampleWeight;
            float sign = label * -2f + 1f;
            float numerator = z * sign >= 0f ? 1f : e;
            float residual = ((numerator * sign) * sampleWeight) / (e + 1f);
            lanes[Z_AT + first + l] = residual;
            lanes[RESIDUAL_SUM_AT + l] = residual + lanes[RESIDUAL_SUM_AT + l];
            lanes[LOSS_AT + l] = loss + lanes[LOSS_AT + l];
        }
    }
}
