/*
 * fused_step.cl: one pass over a batch of X for the data term of the objective and its gradient.
 *
 * Work-group g takes rows_per_group consecutive batch positions and writes its own partial sums:
 *   partial[g][c*d + j] = sum_i s_i r_ic x'_ij,  partial[g][k*d + c] = sum_i s_i r_ic,
 *   partial_loss[g]     = sum_i s_i loss_i,
 * where x'_ij = (x_ij - mean_j) * inv_scale_j (the optimizer's standardized coordinates; identity
 * buffers give the raw features), z_ic = b'_c + sum_j w'_cj x'_ij and r = dloss/dz. The rows of the
 * batch are positions batch_start.. of the epoch's permutation (descent_row), or the storage order
 * when shuffled == 0. Rows go in sub-blocks of SUB: the work-items first split each row's dot
 * product by columns and add the pieces in a fixed tree, then use the same rows (still in cache)
 * for the gradient. No atomics: every sum has a fixed order, so results are bit-reproducible.
 *
 * Shapes: x (rows, d) row-major; params k*d weights then k intercepts; partial (groups, k*d + k).
 * Local size: LOCAL (a power of two). Build: see OpenClBackend (header + this file, -D options).
 */
#include "descent_math.h"

#ifndef LOCAL
#define LOCAL 64
#endif
#ifndef SUB
#define SUB 16
#endif

__kernel __attribute__((reqd_work_group_size(LOCAL, 1, 1)))
void fused_step(__global const float *x, __global const float *y, __global const float *sample_weight,
                int has_weights, __global const float *mean, __global const float *inv_scale,
                __global const float *params, int rows, int d, int k, int loss_kind,
                int shuffled, ulong key, int batch_start, int batch_size, int rows_per_group,
                __global float *partial, __global float *partial_loss,
                __local float *dots, __local float *resid) {
    __local int row_index[SUB];
    __local float weight[SUB];
    const int t = get_local_id(0);
    const int g = get_group_id(0);
    const int width = k * d + k;
    const int first = g * rows_per_group;
    const int last = min(batch_size, first + rows_per_group);
    __global float *out = partial + (long) g * width;
    for (int p = t; p < width; p += LOCAL) {
        out[p] = 0.0f;
    }
    float loss_sum = 0.0f;
    for (int sub = first; sub < last; sub += SUB) {
        const int count = min(SUB, last - sub);
        if (t < count) {
            int i = shuffled ? (int) descent_row(key, (uint) rows, (uint) (batch_start + sub + t)) : sub + t;
            row_index[t] = i;
            weight[t] = has_weights ? sample_weight[i] : 1.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < count; r++) {
                __global const float *row = x + (long) row_index[r] * d;
                float acc = 0.0f;
                for (int j = t; j < d; j += LOCAL) {
                    acc += (row[j] - mean[j]) * inv_scale[j] * params[c * d + j];
                }
                dots[r * LOCAL + t] = acc;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int s = LOCAL / 2; s > 0; s >>= 1) {
                if (t < s) {
                    for (int r = 0; r < count; r++) {
                        dots[r * LOCAL + t] += dots[r * LOCAL + t + s];
                    }
                }
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            if (t < count) {
                resid[t * k + c] = dots[t * LOCAL] + params[k * d + c];
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (t < count) {
            const int i = row_index[t];
            const float s = weight[t];
            __local float *z = resid + t * k;
            if (loss_kind == DESCENT_LINEAR) {
                loss_sum += s * descent_linear_loss(z[0], y[i]);
                z[0] = s * descent_linear_residual(z[0], y[i]);
            } else if (loss_kind == DESCENT_LOGISTIC) {
                loss_sum += s * descent_logistic_loss(z[0], y[i]);
                z[0] = s * descent_logistic_residual(z[0], y[i]);
            } else if (loss_kind == DESCENT_SOFTMAX) {
                const int label = (int) y[i];
                float largest = z[0];
                for (int c = 1; c < k; c++) {
                    largest = fmax(largest, z[c]);
                }
                float total = 0.0f;
                for (int c = 0; c < k; c++) {
                    total += exp(z[c] - largest);
                }
                loss_sum += s * (log(total) + largest - z[label]);
                for (int c = 0; c < k; c++) {
                    z[c] = s * (exp(z[c] - largest) / total - (c == label ? 1.0f : 0.0f));
                }
            } else {
                z[0] = s * z[0];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int j = t; j < d; j += LOCAL) {
            const float m = mean[j];
            const float v = inv_scale[j];
            for (int c = 0; c < k; c++) {
                float acc = 0.0f;
                for (int r = 0; r < count; r++) {
                    acc += resid[r * k + c] * ((x[(long) row_index[r] * d + j] - m) * v);
                }
                out[c * d + j] += acc;
            }
        }
        if (t < k) {
            float acc = 0.0f;
            for (int r = 0; r < count; r++) {
                acc += resid[r * k + t];
            }
            out[k * d + t] += acc;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    dots[t] = loss_sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = LOCAL / 2; s > 0; s >>= 1) {
        if (t < s) {
            dots[t] += dots[t + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) {
        partial_loss[g] = dots[0];
    }
}
