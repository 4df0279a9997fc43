/*
 * sparse_step.h: the pass over sparse (CSR) rows, written once for both dialects (sparse_step.cl and
 * sparse_step.cu wrap it). Four launches give what fused_step and reduce_partials give
 * for dense rows, the sums of the step in the optimizer's standardized coordinates x'_ij = (x_ij - mean_j)
 * inv_scale_j, without making X dense (a zero of X is not a zero of x'):
 *
 *   1. descent_sparse_centre: centre[c] = sum_j mean_j inv_scale_j w'_cj, so that
 *      z_ic = b'_c - centre[c] + sum over row i's non-zeros of x_ij inv_scale_j w'_cj.
 *   2. descent_sparse_rows (a group of LOCAL threads per range of batch positions, a thread per row): z, the
 *      loss and s_i r_ic into residual[i k + c]; the group's partial intercept sums and loss
 *      (reduce_partials then sums the groups in order into row_sums: k intercept sums, then the loss).
 *   3. descent_sparse_columns over the CSC copy of X made at upload (a thread per column):
 *      sums[c d + j] = inv_scale_j (sum over column j's non-zeros of residual[i k + c] x_ij - mean_j row_sums[c]),
 *      in row order with Kahan compensation, then the intercept sums and the loss copied after them.
 *
 * Every sum has a fixed order and there are no atomics, so the results are bit-reproducible. The CSC copy
 * doubles X's memory on the device; a mini-batch clears the residuals of the rows it skips and still reads
 * every column. The dialect's compat header supplies the address spaces and barrier; the includer defines
 * LOCAL (threads of descent_sparse_rows and descent_sparse_centre, a power of two).
 */
#ifndef DESCENT_SPARSE_STEP_H
#define DESCENT_SPARSE_STEP_H
#include "fused_step.h"

/* One group of LOCAL threads: centre[c] for every class, in a fixed tree over the threads' strided sums. */
DESCENT_INLINE void descent_sparse_centre(DESCENT_GLOBAL const float *mean, DESCENT_GLOBAL const float *inv_scale,
                                          DESCENT_GLOBAL const float *params, int d, int k, DESCENT_GLOBAL float *centre,
                                          DESCENT_SHARED float *dots, int t) {
    for (int c = 0; c < k; c++) {
        float acc = 0.0f;
        for (int j = t; j < d; j += LOCAL) {
            acc += mean[j] * inv_scale[j] * params[c * d + j];
        }
        dots[t] = acc;
        descent_tree_sum(dots, t);
        if (t == 0) {
            centre[c] = dots[0];
        }
        DESCENT_BARRIER();
    }
}

/*
 * One group: batch positions [first, last), LOCAL rows at a time, a row per thread. z goes to resid (LOCAL k
 * floats of shared memory), becomes s r there (descent_weighted_row_loss), and is written out per row; the
 * group's intercept partials are summed over each chunk's rows in row order, and its loss in a fixed tree.
 */
DESCENT_INLINE void descent_sparse_rows(DESCENT_GLOBAL const int *row_offsets, DESCENT_GLOBAL const int *columns,
                                        DESCENT_GLOBAL const float *values, DESCENT_GLOBAL const float *y,
                                        DESCENT_GLOBAL const float *sample_weight, int has_weights,
                                        DESCENT_GLOBAL const float *inv_scale, DESCENT_GLOBAL const float *params,
                                        DESCENT_GLOBAL const float *centre, int rows, int d, int k, int loss_kind,
                                        float loss_parameter, int shuffled, descent_ulong key, int batch_start, int first,
                                        int last, DESCENT_GLOBAL float *residual, DESCENT_GLOBAL float *out,
                                        DESCENT_GLOBAL float *loss_out, DESCENT_SHARED float *resid,
                                        DESCENT_SHARED float *dots, int t) {
    for (int c = t; c < k; c += LOCAL) {
        out[c] = 0.0f;
    }
    float loss_sum = 0.0f;
    for (int chunk = first; chunk < last; chunk += LOCAL) {
        const int count = min(LOCAL, last - chunk);
        if (t < count) {
            const int position = batch_start + chunk + t;
            const int i = shuffled ? (int) descent_row(key, (descent_uint) rows, (descent_uint) position) : position;
            DESCENT_SHARED float *z = resid + t * k;
            for (int c = 0; c < k; c++) {
                z[c] = params[k * d + c] - centre[c];
            }
            for (int p = row_offsets[i]; p < row_offsets[i + 1]; p++) {
                const int j = columns[p];
                const float value = values[p] * inv_scale[j];
                for (int c = 0; c < k; c++) {
                    z[c] += value * params[c * d + j];
                }
            }
            const float s = has_weights ? sample_weight[i] : 1.0f;
            loss_sum += descent_weighted_row_loss(loss_kind, loss_parameter, z, k, loss_kind == DESCENT_GRAM ? 0.0f : y[i], s);
            for (int c = 0; c < k; c++) {
                residual[(descent_long) i * k + c] = z[c];
            }
        }
        DESCENT_BARRIER();
        for (int c = t; c < k; c += LOCAL) {
            float acc = 0.0f;
            for (int r = 0; r < count; r++) {
                acc += resid[r * k + c];
            }
            out[c] += acc;
        }
        DESCENT_BARRIER();
    }
    dots[t] = loss_sum;
    descent_tree_sum(dots, t);
    if (t == 0) {
        *loss_out = dots[0];
    }
}

/*
 * Position p < d: column p's k gradient sums from the CSC copy, in row order (Kahan), centred and scaled;
 * d <= p <= d + k: row_sums[p - d] (the intercept sums, then the loss) after them. sums has k d + k + 1 floats.
 */
DESCENT_INLINE void descent_sparse_columns(DESCENT_GLOBAL const int *column_offsets, DESCENT_GLOBAL const int *row_indices,
                                           DESCENT_GLOBAL const float *column_values, DESCENT_GLOBAL const float *residual,
                                           DESCENT_GLOBAL const float *mean, DESCENT_GLOBAL const float *inv_scale,
                                           DESCENT_GLOBAL const float *row_sums, int d, int k, DESCENT_GLOBAL float *sums,
                                           int p) {
    if (p >= d) {
        if (p <= d + k) {
            sums[k * d + (p - d)] = row_sums[p - d];
        }
        return;
    }
    for (int c = 0; c < k; c++) {
        float sum = 0.0f;
        float compensation = 0.0f;
        for (int q = column_offsets[p]; q < column_offsets[p + 1]; q++) {
            const float value = residual[(descent_long) row_indices[q] * k + c] * column_values[q] - compensation;
            const float next = sum + value;
            compensation = (next - sum) - value;
            sum = next;
        }
        sums[c * d + p] = inv_scale[p] * (sum - mean[p] * row_sums[c]);
    }
}

#endif
