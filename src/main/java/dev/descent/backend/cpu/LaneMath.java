package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneScratch.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The logistic loss and residual on float32 vectors, with exp and log1p written from adds, FMAs and one
 * division (the same bits before and after the JIT compiles them). The scratch they read and write is
 * laid out by {@link LaneScratch}.
 */
final class LaneMath {
    private LaneMath() {
    }

    /** 1.5 * 2^23: added to a float of magnitude below 2^22, it rounds that float to an integer and leaves the integer in the low bits. */
    static final float ROUNDING_SHIFTER = 12582912f;

    /** The bits of {@link #ROUNDING_SHIFTER}, a constant so that code without vectors can use it without loading this class. */
    static final int ROUNDING_SHIFTER_BITS = 0x4B400000;

    /** Below this exp is taken at the bound: e^-80 = 2e-35 changes no loss or residual that float32 can hold beside 1. */
    static final float EXP_LOWER_BOUND = -80f;

    /**
     * The logistic loss and residual of LANES rows in float32, on one vector, the rows from
     * {@code first} in the group: on entry lanes[Z_AT + first ..] hold z without the bias,
     * lanes[LABEL_AT + first ..] the labels and lanes[WEIGHT_AT + first ..] the sample weights; on
     * exit lanes[Z_AT + first ..] hold the weighted residuals, which are also added lane by lane to
     * lanes[RESIDUAL_SUM_AT ..], and the weighted losses are added to lanes[LOSS_AT ..]. Keeping
     * those sums as vectors for a whole chunk, rather than summing eight lanes into a number per
     * call, takes a chain of eight scalar adds off every call.
     *
     * <p>With e = exp(-|z|): loss = max(z, 0) - y z + log1p(e), and the residual sigmoid(z) - y as
     * (1 - 2y) (1 or e) / (1 + e), without a subtraction, so that a tiny residual (a well-classified
     * row) keeps float32's relative precision instead of becoming 0.
     *
     * <p>exp and log1p are written here with adds, multiplies, FMAs, one division and bit shifts,
     * not taken from VectorOperators.EXP and LOG1P: those give SVML's bits once the JIT has compiled
     * the code and Math's per lane before, so a block's result would depend on when a worker reached
     * it, and the same seed would not give the same weights. exp is Cephes' expf (x = k ln 2 + r,
     * |r| <= ln 2 / 2, ln 2 in two parts after Cody and Waite, e^r by a degree-7 polynomial, 2^k put
     * in the exponent bits; e^-80 = 2e-35 stands for anything below). log1p is 2 atanh(s) with
     * s = e / (2 + e) <= 1/3, whose series 2 s (1 + s^2/3 + s^4/5 + ...) drops below 2^-24 of its
     * sum after s^14/15. Both polynomials go by Estrin's scheme (pairs of terms, then r^2 and r^4),
     * three FMAs deep instead of Horner's six and seven: this method is one dependency chain that a
     * step waits on. Over z in [-87, 87] the residual is within 2.4 ulp of double and the loss within
     * 3.6 ulp (3.1 with Horner's scheme); with the running sums above, 1.07-1.13x faster at
     * 3,072 x 64 and 8,192 x 24 (bench/results/2026-11-23-lanes).
     *
     * <p>Arrays in and out, and every vector operation written out in this one method rather
     * than in helpers: a helper that takes or returns a vector is a call the JIT may decline to inline
     * once the method's node budget is spent (seen here: NodeCountInliningCutoff), and a vector
     * crossing a call is boxed.
     */
    static void logisticLanes(float[] lanes, int first, float bias) {
        FloatVector z = FloatVector.fromArray(SPECIES, lanes, Z_AT + first).add(bias);
        FloatVector label = FloatVector.fromArray(SPECIES, lanes, LABEL_AT + first);
        FloatVector sampleWeight = FloatVector.fromArray(SPECIES, lanes, WEIGHT_AT + first);

        // e = exp(-|z|)
        FloatVector x = z.abs().neg().max(EXP_LOWER_BOUND);
        FloatVector shifted = x.mul(1.44269504088896341f).add(ROUNDING_SHIFTER);
        FloatVector k = shifted.sub(ROUNDING_SHIFTER);
        // k ln2_hi is exact (k has at most 7 bits, ln2_hi 9), so this first step loses nothing.
        FloatVector r = k.fma(FloatVector.broadcast(SPECIES, 2.12194440e-4f), x.sub(k.mul(0.693359375f)));
        FloatVector r2 = r.mul(r);
        FloatVector r4 = r2.mul(r2);
        FloatVector p01 = r.fma(1.6666665459e-1f, 5.0000001201e-1f);
        FloatVector p23 = r.fma(8.3334519073e-3f, 4.1665795894e-2f);
        FloatVector p45 = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        FloatVector polynomial = p45.fma(r4, p23.fma(r2, p01)).fma(r2, r).add(1f);
        IntVector twoToK = shifted.viewAsIntegralLanes().reinterpretAsInts()
                .sub(ROUNDING_SHIFTER_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = polynomial.viewAsIntegralLanes().reinterpretAsInts().add(twoToK).viewAsFloatingLanes().reinterpretAsFloats();

        // log1p(e) = 2 s (1 + t/3 + t^2/5 + ... + t^7/15), s = e / (2 + e), t = s^2
        FloatVector s = e.div(e.add(2f));
        FloatVector t = s.mul(s);
        FloatVector t2 = t.mul(t);
        FloatVector t4 = t2.mul(t2);
        FloatVector s01 = t.fma(1f / 3, 1f);
        FloatVector s23 = t.fma(1f / 7, 1f / 5);
        FloatVector s45 = t.fma(1f / 11, 1f / 9);
        FloatVector s67 = t.fma(1f / 15, 1f / 13);
        FloatVector series = s67.fma(t2, s45).fma(t4, s23.fma(t2, s01));
        FloatVector log1p = s.add(s).mul(series);

        FloatVector loss = z.max(0f).sub(label.mul(z)).add(log1p).mul(sampleWeight);
        FloatVector sign = label.mul(-2f).add(1f);
        FloatVector numerator = e.blend(1f, z.mul(sign).compare(VectorOperators.GE, 0f));
        FloatVector residual = numerator.mul(sign).mul(sampleWeight).div(e.add(1f));
        residual.intoArray(lanes, Z_AT + first);
        residual.add(FloatVector.fromArray(SPECIES, lanes, RESIDUAL_SUM_AT)).intoArray(lanes, RESIDUAL_SUM_AT);
        loss.add(FloatVector.fromArray(SPECIES, lanes, LOSS_AT)).intoArray(lanes, LOSS_AT);
    }
}
