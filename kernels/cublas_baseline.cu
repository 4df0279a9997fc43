/*
 * cublas_baseline.cu: the small kernels around two cuBLAS GEMV calls, for the `cublas` baseline
 * backend (CudaBackend with the vendor library in place of fused_step). It exists for the benchmark:
 * it reads X twice per step (X u, then X^T r) where fused_narrow reads it once.
 *
 * One full-batch step, k = 1, in the optimizer's standardized coordinates x' = (x - m) * inv_scale:
 *   baseline_weights:  u = inv_scale * w' and c = b' - m . u, so that z = X u + c   (one block)
 *   cublasSgemv:       z = X u                       (X row-major (n, d) is column-major (d, n))
 *   baseline_residual: r_i = s_i dloss(z_i + c, y_i); per block: sum s_i loss_i, sum r_i (fixed order)
 *   cublasSgemv:       g_raw = X^T r
 *   baseline_sums:     sums[j] = inv_scale_j (g_raw_j - m_j sum r), sums[d] = sum r, sums[d + 1] = loss
 * then update.cu as for the fused step. The block partials are summed in block order; cuBLAS's GEMV
 * is deterministic on one GPU (no atomics mode), so the step is too.
 */
#include "cuda_compat.h"
#include "descent_math.h"

#define BASELINE_THREADS 256

/* u = inv_scale * w' (d values), offset[0] = b' - sum_j m_j u_j. One block. */
extern "C" __global__ void __launch_bounds__(BASELINE_THREADS)
baseline_weights(const float *__restrict__ params, const float *__restrict__ mean, const float *__restrict__ inv_scale,
                 int d, float *__restrict__ u, float *__restrict__ offset) {
    __shared__ float warp_sums[BASELINE_THREADS / 32];
    float dot = 0.0f;
    for (int j = threadIdx.x; j < d; j += BASELINE_THREADS) {
        const float value = inv_scale[j] * params[j];
        u[j] = value;
        dot += mean[j] * value;
    }
    const float total = descent_block_sum(dot, warp_sums, BASELINE_THREADS);
    if (threadIdx.x == 0) {
        offset[0] = params[d] - total;
    }
}

/* z (n values) in, r = s dloss/dz out in place; block g writes its loss and residual sums. */
extern "C" __global__ void __launch_bounds__(BASELINE_THREADS)
baseline_residual(float *__restrict__ z, const float *__restrict__ y, const float *__restrict__ sample_weight,
                  int has_weights, const float *__restrict__ offset, int rows, int loss_kind, float loss_parameter,
                  float *__restrict__ block_loss, float *__restrict__ block_residual) {
    __shared__ float warp_sums[BASELINE_THREADS / 32];
    const float c = offset[0];
    float loss_sum = 0.0f;
    float residual_sum = 0.0f;
    const int stride = gridDim.x * BASELINE_THREADS;
    for (int i = blockIdx.x * BASELINE_THREADS + threadIdx.x; i < rows; i += stride) {
        float loss;
        const float r = descent_weighted_residual(loss_kind, loss_parameter, z[i] + c, y[i], has_weights ? sample_weight[i] : 1.0f, &loss);
        z[i] = r;
        loss_sum += loss;
        residual_sum += r;
    }
    const float losses = descent_block_sum(loss_sum, warp_sums, BASELINE_THREADS);
    const float residuals = descent_block_sum(residual_sum, warp_sums, BASELINE_THREADS);
    if (threadIdx.x == 0) {
        block_loss[blockIdx.x] = losses;
        block_residual[blockIdx.x] = residuals;
    }
}

/* sums[0..d) = inv_scale_j (g_raw_j - m_j R), sums[d] = R, sums[d + 1] = L; R, L summed over blocks in order. */
extern "C" __global__ void __launch_bounds__(BASELINE_THREADS)
baseline_sums(const float *__restrict__ raw_gradient, const float *__restrict__ mean, const float *__restrict__ inv_scale,
              const float *__restrict__ block_loss, const float *__restrict__ block_residual, int blocks, int d,
              float *__restrict__ sums) {
    __shared__ float totals[2];
    if (threadIdx.x == 0) {
        float loss = 0.0f;
        float residual = 0.0f;
        for (int b = 0; b < blocks; b++) {
            loss += block_loss[b];
            residual += block_residual[b];
        }
        totals[0] = loss;
        totals[1] = residual;
    }
    __syncthreads();
    for (int j = threadIdx.x; j < d; j += BASELINE_THREADS) {
        sums[j] = inv_scale[j] * (raw_gradient[j] - mean[j] * totals[1]);
    }
    if (threadIdx.x == 0) {
        sums[d] = totals[1];
        sums[d + 1] = totals[0];
    }
}
