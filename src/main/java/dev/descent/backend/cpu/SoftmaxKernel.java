package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector parts of a softmax tile ({@link SoftmaxBlock}): {@link CpuTuning#SOFTMAX_ROW_TILE} rows against
 * two classes at a time, so that each vector of x loaded feeds two FMA chains and each vector of W feeds
 * four, for the outputs z = X W^T and again for the gradient G += R^T X. Row at a time, each output was a
 * dot product of its own (two loads per FMA) and each gradient row an axpy (two loads and a store per
 * FMA): 81 ms a pass at 60,000 x 784 x 10 (bench/results/2026-12-05-softmax-tiles). An odd k's last class
 * is paired with itself: its repeated output is computed twice, the same, and its repeated gradient
 * lanes add with coefficient 0. {@link ScalarTwins#softmaxOutputs} and {@link ScalarTwins#softmaxGradient}
 * repeat every operation, so the two give the same bits.
 */
final class SoftmaxKernel {
    private SoftmaxKernel() {
    }

    /**
     * The tile's outputs without the bias, x_r . w_c, into out[r k + c]: per class pair (the second
     * repeating the first when k is odd), eight vector sums over the row, each reduced from lane 0 up,
     * then the row's tail past the last whole vector by scalar FMAs.
     */
    static void outputs(float[] x, int d, int k, float[] w, int[] rows, float[] out) {
        final int o0 = rows[0] * d;
        final int o1 = rows[1] * d;
        final int o2 = rows[2] * d;
        final int o3 = rows[3] * d;
        final int upper = SPECIES.loopBound(d);
        for (int first = 0; first < k; first += 2) {
            int second = Math.min(first + 1, k - 1);
            int wa = first * d;
            int wb = second * d;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int j = 0; j < upper; j += LANES) {
                FloatVector va = FloatVector.fromArray(SPECIES, w, wa + j);
                FloatVector vb = FloatVector.fromArray(SPECIES, w, wb + j);
                FloatVector x0 = FloatVector.fromArray(SPECIES, x, o0 + j);
                FloatVector x1 = FloatVector.fromArray(SPECIES, x, o1 + j);
                FloatVector x2 = FloatVector.fromArray(SPECIES, x, o2 + j);
                FloatVector x3 = FloatVector.fromArray(SPECIES, x, o3 + j);
                a0 = x0.fma(va, a0);
                b0 = x0.fma(vb, b0);
                a1 = x1.fma(va, a1);
                b1 = x1.fma(vb, b1);
                a2 = x2.fma(va, a2);
                b2 = x2.fma(vb, b2);
                a3 = x3.fma(va, a3);
                b3 = x3.fma(vb, b3);
            }
            float za0 = a0.reduceLanes(VectorOperators.ADD);
            float za1 = a1.reduceLanes(VectorOperators.ADD);
            float za2 = a2.reduceLanes(VectorOperators.ADD);
            float za3 = a3.reduceLanes(VectorOperators.ADD);
            float zb0 = b0.reduceLanes(VectorOperators.ADD);
            float zb1 = b1.reduceLanes(VectorOperators.ADD);
            float zb2 = b2.reduceLanes(VectorOperators.ADD);
            float zb3 = b3.reduceLanes(VectorOperators.ADD);
            for (int j = upper; j < d; j++) {
                za0 = Math.fma(x[o0 + j], w[wa + j], za0);
                za1 = Math.fma(x[o1 + j], w[wa + j], za1);
                za2 = Math.fma(x[o2 + j], w[wa + j], za2);
                za3 = Math.fma(x[o3 + j], w[wa + j], za3);
                zb0 = Math.fma(x[o0 + j], w[wb + j], zb0);
                zb1 = Math.fma(x[o1 + j], w[wb + j], zb1);
                zb2 = Math.fma(x[o2 + j], w[wb + j], zb2);
                zb3 = Math.fma(x[o3 + j], w[wb + j], zb3);
            }
            out[first] = za0;
            out[k + first] = za1;
            out[2 * k + first] = za2;
            out[3 * k + first] = za3;
            out[second] = zb0;
            out[k + second] = zb1;
            out[2 * k + second] = zb2;
            out[3 * k + second] = zb3;
        }
    }

    /**
     * The tile's gradient, acc[c d + j] += sum_r coefficient[r k + c] x_rj, the four rows' FMAs in row
     * order per vector, a class pair at a time (a repeated class adds with coefficient 0).
     */
    static void gradient(float[] x, int d, int k, int[] rows, float[] coefficients, int at, float[] acc) {
        final int o0 = rows[0] * d;
        final int o1 = rows[1] * d;
        final int o2 = rows[2] * d;
        final int o3 = rows[3] * d;
        final int upper = SPECIES.loopBound(d);
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
            FloatVector va0 = FloatVector.broadcast(SPECIES, ca0);
            FloatVector va1 = FloatVector.broadcast(SPECIES, ca1);
            FloatVector va2 = FloatVector.broadcast(SPECIES, ca2);
            FloatVector va3 = FloatVector.broadcast(SPECIES, ca3);
            FloatVector vb0 = FloatVector.broadcast(SPECIES, cb0);
            FloatVector vb1 = FloatVector.broadcast(SPECIES, cb1);
            FloatVector vb2 = FloatVector.broadcast(SPECIES, cb2);
            FloatVector vb3 = FloatVector.broadcast(SPECIES, cb3);
            int ga = first * d;
            int gb = second * d;
            for (int j = 0; j < upper; j += LANES) {
                FloatVector x0 = FloatVector.fromArray(SPECIES, x, o0 + j);
                FloatVector x1 = FloatVector.fromArray(SPECIES, x, o1 + j);
                FloatVector x2 = FloatVector.fromArray(SPECIES, x, o2 + j);
                FloatVector x3 = FloatVector.fromArray(SPECIES, x, o3 + j);
                FloatVector g = FloatVector.fromArray(SPECIES, acc, ga + j);
                g = x0.fma(va0, g);
                g = x1.fma(va1, g);
                g = x2.fma(va2, g);
                g = x3.fma(va3, g);
                g.intoArray(acc, ga + j);
                FloatVector h = FloatVector.fromArray(SPECIES, acc, gb + j);
                h = x0.fma(vb0, h);
                h = x1.fma(vb1, h);
                h = x2.fma(vb2, h);
                h = x3.fma(vb3, h);
                h.intoArray(acc, gb + j);
            }
            for (int j = upper; j < d; j++) {
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
}
