/*
 * fused_step.h: the general fused step, written once for both dialects (the kernels fused_step in
 * fused_step.cl and fused_wide in fused_step.cu are thin wrappers around descent_fused_block).
 *
 * One block of LOCAL threads takes the batch positions [first, last) and writes its partials:
 *   out[c*d + j] = sum_i s_i r_ic x'_ij,  out[k*d + c] = sum_i s_i r_ic,  *loss_out = sum_i s_i loss_i,
 * where x'_ij = (x_ij - mean_j) * inv_scale_j (the optimizer's standardized coordinates; zero and one
 * buffers give the raw features), z_ic = b'_c + sum_j w'_cj x'_ij and r = dloss/dz. Rows are the
 * positions batch_start + pos of the epoch's permutation (descent_row), or storage order when
 * shuffled == 0. Rows go in sub-blocks of SUB: the threads first split each row's dot product by
 * columns and add the pieces in a fixed tree, then use the same rows (still in cache) for the
 * gradient. No atomics: every sum has a fixed order, so results are bit-reproducible.
 *
 * The dialect's compat header supplies DESCENT_GLOBAL, DESCENT_SHARED (address spaces),
 * DESCENT_BARRIER() and descent_long; the includer defines LOCAL (threads, a power of two) and SUB.
 * Shared memory: dots (SUB * LOCAL floats), resid (SUB * k floats), row_index and weight (SUB each).
 */
#ifndef DESCENT_FUSED_STEP_H
#define DESCENT_FUSED_STEP_H
#include "descent_math.h"

/*
 * One row's loss with its residuals in place: z[0..k) holds the row's outputs on entry and
 * s * dloss/dz on return; returns s * loss. Softmax shifts by the largest output (no overflow).
 */
DESCENT_INLINE float descent_weighted_row_loss(int loss_kind, float loss_parameter, DESCENT_SHARED float *z, int k,
                                               float label, float s) {
    if (loss_kind != DESCENT_SOFTMAX) {
        float loss;
        z[0] = descent_weighted_residual(loss_kind, loss_parameter, z[0], label, s, &loss);
        return loss;
    }
    const int target = (int) label;
    float largest = z[0];
    for (int c = 1; c < k; c++) {
        largest = fmax(largest, z[c]);
    }
    float total = 0.0f;
    for (int c = 0; c < k; c++) {
        total += exp(z[c] - largest);
    }
    const float loss = s * (log(total) + largest - z[target]);
    for (int c = 0; c < k; c++) {
        z[c] = s * (exp(z[c] - largest) / total - (c == target ? 1.0f : 0.0f));
    }
    return loss;
}

/* dots[0] = the sum of dots[0..LOCAL) in a fixed tree; every thread t of the group calls it, after writing dots[t]. */
DESCENT_INLINE void descent_tree_sum(DESCENT_SHARED float *dots, int t) {
    DESCENT_BARRIER();
    for (int s = LOCAL / 2; s > 0; s >>= 1) {
        if (t < s) {
            dots[t] += dots[t + s];
        }
        DESCENT_BARRIER();
    }
}

DESCENT_INLINE void descent_fused_block(DESCENT_GLOBAL const float *x, DESCENT_GLOBAL const float *y,
                                        DESCENT_GLOBAL const float *sample_weight, int has_weights,
                                        DESCENT_GLOBAL const float *mean, DESCENT_GLOBAL const float *inv_scale,
                                        DESCENT_GLOBAL const float *params, int rows, int d, int k, int loss_kind,
                                        float loss_parameter, int shuffled, descent_ulong key, int batch_start, int first, int last,
                                        DESCENT_GLOBAL float *out, DESCENT_GLOBAL float *loss_out,
                                        DESCENT_SHARED float *dots, DESCENT_SHARED float *resid,
                                        DESCENT_SHARED int *row_index, DESCENT_SHARED float *weight, int t) {
    const int width = k * d + k;
    for (int p = t; p < width; p += LOCAL) {
        out[p] = 0.0f;
    }
    float loss_sum = 0.0f;
    for (int sub = first; sub < last; sub += SUB) {
        const int count = min(SUB, last - sub);
        if (t < count) {
            const int position = batch_start + sub + t;
            const int i = shuffled ? (int) descent_row(key, (descent_uint) rows, (descent_uint) position) : position;
            row_index[t] = i;
            weight[t] = has_weights ? sample_weight[i] : 1.0f;
        }
        DESCENT_BARRIER();
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < count; r++) {
                DESCENT_GLOBAL const float *row = x + (descent_long) row_index[r] * d;
                float acc = 0.0f;
                for (int j = t; j < d; j += LOCAL) {
                    acc += (row[j] - mean[j]) * inv_scale[j] * params[c * d + j];
                }
                dots[r * LOCAL + t] = acc;
            }
            DESCENT_BARRIER();
            for (int s = LOCAL / 2; s > 0; s >>= 1) {
                if (t < s) {
                    for (int r = 0; r < count; r++) {
                        dots[r * LOCAL + t] += dots[r * LOCAL + t + s];
                    }
                }
                DESCENT_BARRIER();
            }
            if (t < count) {
                resid[t * k + c] = dots[t * LOCAL] + params[k * d + c];
            }
            DESCENT_BARRIER();
        }
        if (t < count) {
            loss_sum += descent_weighted_row_loss(loss_kind, loss_parameter, resid + t * k, k, y[row_index[t]], weight[t]);
        }
        DESCENT_BARRIER();
        for (int j = t; j < d; j += LOCAL) {
            const float m = mean[j];
            const float v = inv_scale[j];
            for (int c = 0; c < k; c++) {
                float acc = 0.0f;
                for (int r = 0; r < count; r++) {
                    acc += resid[r * k + c] * ((x[(descent_long) row_index[r] * d + j] - m) * v);
                }
                out[c * d + j] += acc;
            }
        }
        /* Class c's intercept sum by thread c mod LOCAL: every class, however many there are. */
        for (int c = t; c < k; c += LOCAL) {
            float acc = 0.0f;
            for (int r = 0; r < count; r++) {
                acc += resid[r * k + c];
            }
            out[k * d + c] += acc;
        }
        DESCENT_BARRIER();
    }
    dots[t] = loss_sum;
    descent_tree_sum(dots, t);
    if (t == 0) {
        *loss_out = dots[0];
    }
}

#endif
