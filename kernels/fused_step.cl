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
#ifndef LOCAL
#define LOCAL 64
#endif
#ifndef SUB
#define SUB 16
#endif
#include "fused_step.h"

__kernel __attribute__((reqd_work_group_size(LOCAL, 1, 1)))
void fused_step(__global const float *x, __global const float *y, __global const float *sample_weight,
                int has_weights, __global const float *mean, __global const float *inv_scale,
                __global const float *params, int rows, int d, int k, int loss_kind, float loss_parameter,
                int shuffled, ulong key, int batch_start, int batch_size, int rows_per_group,
                __global float *partial, __global float *partial_loss,
                __local float *dots, __local float *resid) {
    __local int row_index[SUB];
    __local float weight[SUB];
    const int g = get_group_id(0);
    const int first = g * rows_per_group;
    const int last = min(batch_size, first + rows_per_group);
    descent_fused_block(x, y, sample_weight, has_weights, mean, inv_scale, params, rows, d, k, loss_kind, loss_parameter, shuffled, key,
                        batch_start, first, last, partial + (long) g * (k * d + k), partial_loss + g, dots, resid,
                        row_index, weight, get_local_id(0));
}
