package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/** The vector primitives of the cpu kernels: dot products and gradient updates over float rows, and a butterfly sum's lane swaps. */
final class VectorOps {
    private VectorOps() {
    }

    /**
     * The lane swaps of a butterfly sum: add lane i ^ LANES/2 to lane i, then i ^ LANES/4, then (at
     * eight lanes) i ^ 1, and every lane holds the sum of all lanes, the same bits in each (every
     * add is of the same two values in either order). {@link RegisterKernels#narrowBlock} takes a row's z this way
     * as a whole vector, ready for the vector residual, where reduceLanes (on JDK 17 a chain of eight
     * scalar adds) gives a float that must be widened, combined and broadcast back.
     */
    static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(SPECIES, i -> i ^ (LANES / 2));

    static final VectorShuffle<Float> SWAP_QUARTERS = VectorShuffle.fromOp(SPECIES, i -> i ^ (LANES / 4));

    static final VectorShuffle<Float> SWAP_EIGHTHS = VectorShuffle.fromOp(SPECIES, i -> i ^ Math.max(1, LANES / 8));

    /** Four dot products x_r . w, sharing the loads of w; results in out[0..3]. */
    static void dot4(float[] x, int o0, int o1, int o2, int o3, float[] w, int d, double[] out) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        FloatVector s2 = FloatVector.zero(SPECIES);
        FloatVector s3 = FloatVector.zero(SPECIES);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, j);
            s0 = FloatVector.fromArray(SPECIES, x, o0 + j).fma(wv, s0);
            s1 = FloatVector.fromArray(SPECIES, x, o1 + j).fma(wv, s1);
            s2 = FloatVector.fromArray(SPECIES, x, o2 + j).fma(wv, s2);
            s3 = FloatVector.fromArray(SPECIES, x, o3 + j).fma(wv, s3);
        }
        float z0 = s0.reduceLanes(VectorOperators.ADD);
        float z1 = s1.reduceLanes(VectorOperators.ADD);
        float z2 = s2.reduceLanes(VectorOperators.ADD);
        float z3 = s3.reduceLanes(VectorOperators.ADD);
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

    /** acc += a0 x_0 + a1 x_1 + a2 x_2 + a3 x_3, one load and one store of acc per vector. */
    static void axpy4(float[] acc, float[] x, int o0, int o1, int o2, int o3, float a0, float a1, float a2, float a3, int d) {
        FloatVector v0 = FloatVector.broadcast(SPECIES, a0);
        FloatVector v1 = FloatVector.broadcast(SPECIES, a1);
        FloatVector v2 = FloatVector.broadcast(SPECIES, a2);
        FloatVector v3 = FloatVector.broadcast(SPECIES, a3);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector sum = FloatVector.fromArray(SPECIES, acc, j);
            sum = FloatVector.fromArray(SPECIES, x, o0 + j).fma(v0, sum);
            sum = FloatVector.fromArray(SPECIES, x, o1 + j).fma(v1, sum);
            sum = FloatVector.fromArray(SPECIES, x, o2 + j).fma(v2, sum);
            sum = FloatVector.fromArray(SPECIES, x, o3 + j).fma(v3, sum);
            sum.intoArray(acc, j);
        }
        for (; j < d; j++) {
            float sum = acc[j];
            sum = Math.fma(x[o0 + j], a0, sum);
            sum = Math.fma(x[o1 + j], a1, sum);
            sum = Math.fma(x[o2 + j], a2, sum);
            sum = Math.fma(x[o3 + j], a3, sum);
            acc[j] = sum;
        }
    }

    /** x[xOffset .. xOffset + d) . w[wOffset .. wOffset + d) in float32, lanes summed in a fixed order. */
    static float dot(float[] x, int xOffset, float[] w, int wOffset, int d) {
        // Four running sums, so that a wide row is four chains of FMAs instead of one chain whose
        // every step waits for the one before (four cycles each): at d = 1,024 one chain is 128 long.
        FloatVector sum = FloatVector.zero(SPECIES);
        FloatVector sum1 = FloatVector.zero(SPECIES);
        FloatVector sum2 = FloatVector.zero(SPECIES);
        FloatVector sum3 = FloatVector.zero(SPECIES);
        int upper = SPECIES.loopBound(d);
        // "j < bound", not "j + 4 * LANES <= upper": C2 compiles only the first form as a counted
        // loop, without a bounds check on each load and a safepoint poll on each iteration.
        int fourVectorsBound = upper - upper % (4 * LANES);
        int j = 0;
        for (; j < fourVectorsBound; j += 4 * LANES) {
            sum = FloatVector.fromArray(SPECIES, x, xOffset + j).fma(FloatVector.fromArray(SPECIES, w, wOffset + j), sum);
            sum1 = FloatVector.fromArray(SPECIES, x, xOffset + j + LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + LANES), sum1);
            sum2 = FloatVector.fromArray(SPECIES, x, xOffset + j + 2 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + 2 * LANES), sum2);
            sum3 = FloatVector.fromArray(SPECIES, x, xOffset + j + 3 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + 3 * LANES), sum3);
        }
        for (; j < upper; j += LANES) {
            sum = FloatVector.fromArray(SPECIES, x, xOffset + j).fma(FloatVector.fromArray(SPECIES, w, wOffset + j), sum);
        }
        float result = sum.add(sum1).add(sum2.add(sum3)).reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            result = Math.fma(x[xOffset + j], w[wOffset + j], result);
        }
        return result;
    }

    /** acc[accOffset .. accOffset + d) += a * x[xOffset .. xOffset + d). */
    static void axpy(float[] acc, int accOffset, float[] x, int xOffset, float a, int d) {
        FloatVector scale = FloatVector.broadcast(SPECIES, a);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xOffset + j)
                    .fma(scale, FloatVector.fromArray(SPECIES, acc, accOffset + j))
                    .intoArray(acc, accOffset + j);
        }
        for (; j < d; j++) {
            acc[accOffset + j] = Math.fma(x[xOffset + j], a, acc[accOffset + j]);
        }
    }
}
