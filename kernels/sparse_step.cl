/*
 * sparse_step.cl: the pass over sparse (CSR) rows, as three kernels around reduce_partials (the bodies and
 * the sums they give are in sparse_step.h):
 *   sparse_centre  (one work-group)            centre[c] = sum_j mean_j inv_scale_j w'_cj
 *   sparse_rows    (a work-group per range)     z, loss and s r per row into residual (rows, k); per group
 *                                               partial[g][c] = sum s r_ic and partial_loss[g]
 *   reduce_partials(groups, k)                  row_sums: k intercept sums, then the loss
 *   sparse_columns (a work-item per column)     sums: k d gradient sums from the CSC copy, then row_sums
 *
 * Shapes: CSR row_offsets (rows + 1), columns and values (non-zeros); CSC column_offsets (d + 1), row_indices
 * and column_values; params k d weights then k intercepts. Local size LOCAL; build: see OpenClBackend.
 */
#ifndef LOCAL
#define LOCAL 64
#endif
#ifndef SUB
#define SUB 16
#endif
#include "sparse_step.h"

__kernel __attribute__((reqd_work_group_size(LOCAL, 1, 1)))
void sparse_centre(__global const float *mean, __global const float *inv_scale, __global const float *params, int d, int k,
                   __global float *centre) {
    __local float dots[LOCAL];
    descent_sparse_centre(mean, inv_scale, params, d, k, centre, dots, get_local_id(0));
}

__kernel __attribute__((reqd_work_group_size(LOCAL, 1, 1)))
void sparse_rows(__global const int *row_offsets, __global const int *columns, __global const float *values,
                 __global const float *y, __global const float *sample_weight, int has_weights,
                 __global const float *inv_scale, __global const float *params, __global const float *centre, int rows,
                 int d, int k, int loss_kind, float loss_parameter, int shuffled, ulong key, int batch_start,
                 int batch_size, int rows_per_group, __global float *residual, __global float *partial,
                 __global float *partial_loss, __local float *resid) {
    __local float dots[LOCAL];
    const int g = get_group_id(0);
    const int first = g * rows_per_group;
    const int last = min(batch_size, first + rows_per_group);
    descent_sparse_rows(row_offsets, columns, values, y, sample_weight, has_weights, inv_scale, params, centre, rows, d, k,
                        loss_kind, loss_parameter, shuffled, key, batch_start, first, last, residual,
                        partial + (long) g * k, partial_loss + g, resid, dots, get_local_id(0));
}

__kernel void sparse_columns(__global const int *column_offsets, __global const int *row_indices,
                             __global const float *column_values, __global const float *residual,
                             __global const float *mean, __global const float *inv_scale, __global const float *row_sums,
                             int d, int k, __global float *sums) {
    descent_sparse_columns(column_offsets, row_indices, column_values, residual, mean, inv_scale, row_sums, d, k, sums,
                           get_global_id(0));
}
