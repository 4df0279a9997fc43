/*
 * update.cl: one optimizer step on all parameters (standardized coordinates), with the objective
 * at the pre-update point and the proximal gradient mapping's norm, in one work-group.
 *
 * gradient = reduce_partials' sums (data term, not yet divided by S'); each parameter's step is
 * descent_update_parameter (update.h, shared with update.cu). The penalty and mapping sums are
 * reduced in a fixed tree (deterministic).
 * stats[0] = objective before the step, stats[1] = mapping norm, stats[2] += objective * batch_rows
 * (the epoch's running sum, read and cleared by the host once per epoch). Local size: UPDATE_LOCAL.
 */
#include "update.h"

#ifndef UPDATE_LOCAL
#define UPDATE_LOCAL 256
#endif

__kernel __attribute__((reqd_work_group_size(UPDATE_LOCAL, 1, 1)))
void update(__global float *params, __global float *first, __global float *second, __global const float *gradient,
            float inv_weight_sum, int width, int d, int penalized, int has_intercept,
            __global const float *l2_factor, __global const float *l1_factor,
            int kind, float lr, float mu, float beta1, float beta2, float rho, float eps, float c1, float c2,
            __global float *stats, float batch_rows) {
    __local float penalty_sums[UPDATE_LOCAL];
    __local float mapping_sums[UPDATE_LOCAL];
    const int t = get_local_id(0);
    float penalty = 0.0f;
    float mapping = 0.0f;
    for (int p = t; p < width; p += UPDATE_LOCAL) {
        descent_update_parameter(p, params, first, second, gradient, inv_weight_sum, d, penalized, has_intercept, l2_factor,
                                 l1_factor, kind, lr, mu, beta1, beta2, rho, eps, c1, c2, &penalty, &mapping);
    }
    penalty_sums[t] = penalty;
    mapping_sums[t] = mapping;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = UPDATE_LOCAL / 2; s > 0; s >>= 1) {
        if (t < s) {
            penalty_sums[t] += penalty_sums[t + s];
            mapping_sums[t] += mapping_sums[t + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) {
        stats[0] = gradient[width] * inv_weight_sum + penalty_sums[0];
        stats[1] = sqrt(mapping_sums[0]);
        stats[2] += stats[0] * batch_rows;
    }
}
