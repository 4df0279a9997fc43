/*
 * sparse_step.cu: the pass over sparse (CSR) rows (the CUDA twin of sparse_step.cl; the bodies and the sums
 * they give are in sparse_step.h, shared with it). CudaBackend launches, per step:
 *   sparse_centre  (one block of LOCAL)        centre[c] = sum_j mean_j inv_scale_j w'_cj
 *   sparse_clear   (a grid over rows x k)      a mini-batch's residuals set to zero first (the rows it skips
 *                                              add nothing to the columns); nothing for the full batch
 *   sparse_rows    (blocks of LOCAL, a thread per row)  z, loss and s r into residual; per block partial[g][c]
 *                                              and partial_loss[g]
 *   reduce_partials(blocks, k)                 row_sums: k intercept sums, then the loss
 *   sparse_columns (a thread per column)       sums: k d gradient sums from the CSC copy, then row_sums
 * The batch comes from args (device memory), so that a captured graph of steps replays with new batches.
 * Every sum has a fixed order and there are no atomics. Build: kernels/build-ptx.sh.
 */
#include "cuda_compat.h"
#include "descent_math.h"

/* Threads per block of sparse_centre and sparse_rows (as sparse_step.cl's LOCAL); SUB for fused_step.h. */
#define LOCAL 64
#define SUB 16
#include "sparse_step.h"

extern "C" __global__ void __launch_bounds__(LOCAL)
sparse_centre(const float *__restrict__ mean, const float *__restrict__ inv_scale, const float *__restrict__ params, int d,
              int k, float *__restrict__ centre) {
    __shared__ float dots[LOCAL];
    descent_sparse_centre(mean, inv_scale, params, d, k, centre, dots, threadIdx.x);
}

extern "C" __global__ void sparse_clear(float *__restrict__ residual, descent_long count,
                                        const descent_step_args *__restrict__ args) {
    if (!args->shuffled) {
        return;
    }
    for (descent_long p = (descent_long) blockIdx.x * blockDim.x + threadIdx.x; p < count;
         p += (descent_long) gridDim.x * blockDim.x) {
        residual[p] = 0.0f;
    }
}

/* Dynamic shared memory: LOCAL * k floats, the block's rows' outputs and residuals. */
extern "C" __global__ void __launch_bounds__(LOCAL)
sparse_rows(const int *__restrict__ row_offsets, const int *__restrict__ columns, const float *__restrict__ values,
            const float *__restrict__ y, const float *__restrict__ sample_weight, int has_weights,
            const float *__restrict__ inv_scale, const float *__restrict__ params, const float *__restrict__ centre,
            int rows, int d, int k, int loss_kind, const descent_step_args *__restrict__ args,
            float *__restrict__ residual, float *__restrict__ partial, float *__restrict__ partial_loss) {
    extern __shared__ float resid[];
    __shared__ float dots[LOCAL];
    int first;
    int last;
    descent_block_range(args->batch_size, LOCAL, &first, &last);
    descent_sparse_rows(row_offsets, columns, values, y, sample_weight, has_weights, inv_scale, params, centre, rows, d, k,
                        loss_kind, args->loss_parameter, args->shuffled, args->key, args->batch_start, first, last,
                        residual, partial + (size_t) blockIdx.x * k, partial_loss + blockIdx.x, resid, dots, threadIdx.x);
}

extern "C" __global__ void
sparse_columns(const int *__restrict__ column_offsets, const int *__restrict__ row_indices,
               const float *__restrict__ column_values, const float *__restrict__ residual, const float *__restrict__ mean,
               const float *__restrict__ inv_scale, const float *__restrict__ row_sums, int d, int k,
               float *__restrict__ sums) {
    descent_sparse_columns(column_offsets, row_indices, column_values, residual, mean, inv_scale, row_sums, d, k, sums,
                           (int) (blockIdx.x * blockDim.x + threadIdx.x));
}
