/*
 * update.cu: one optimizer step on all parameters (standardized coordinates), with the objective at
 * the pre-update point and the proximal gradient mapping's norm, in one block (the CUDA twin of
 * update.cl; each parameter's step is descent_update_parameter in update.h, which both share). The per-step scalars (learning rate, Adam's bias
 * corrections, 1 / S of the batch, batch rows) come from args, so a captured graph can replay it.
 *
 * The penalty and mapping sums go through warp butterflies and then the warps in order (fixed, so
 * deterministic). stats[0] = objective before the step, stats[1] = mapping norm,
 * stats[2] += objective * batch rows (read and cleared by the host once per epoch).
 * Block: UPDATE_THREADS threads, grid 1.
 */
#include "cuda_compat.h"
#include "update.h"

#define UPDATE_THREADS 256

extern "C" __global__ void __launch_bounds__(UPDATE_THREADS)
update(float *__restrict__ params, float *__restrict__ first, float *__restrict__ second,
       const float *__restrict__ gradient, int width, int d, int penalized, int has_intercept,
       const float *__restrict__ l2_factor, const float *__restrict__ l1_factor, int kind, float mu, float beta1,
       float beta2, float rho, float eps, const descent_step_args *__restrict__ args, float *__restrict__ stats) {
    __shared__ float penalty_sums[UPDATE_THREADS / 32];
    __shared__ float mapping_sums[UPDATE_THREADS / 32];
    const int t = threadIdx.x;
    const float lr = args->learning_rate;
    const float inv_weight_sum = args->inv_weight_sum;
    float penalty = 0.0f;
    float mapping = 0.0f;
    for (int p = t; p < width; p += UPDATE_THREADS) {
        descent_update_parameter(p, params, first, second, gradient, inv_weight_sum, d, penalized, has_intercept, l2_factor,
                                 l1_factor, kind, lr, mu, beta1, beta2, rho, eps, args->bias_one, args->bias_two, &penalty,
                                 &mapping);
    }
    const float penalty_total = descent_block_sum(penalty, penalty_sums, UPDATE_THREADS);
    const float mapping_total = descent_block_sum(mapping, mapping_sums, UPDATE_THREADS);
    if (t == 0) {
        const float objective = gradient[width] * inv_weight_sum + penalty_total;
        stats[0] = objective;
        stats[1] = sqrtf(mapping_total);
        stats[2] += objective * args->batch_rows;
    }
}
