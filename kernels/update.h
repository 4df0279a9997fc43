/*
 * update.h: one parameter's optimizer step, written once for both dialects (update.cl and
 * update.cu loop it over the parameters and reduce penalty and mapping their own way).
 *
 * gradient[p] is the reduced data-term sum (not yet divided by S); the ridge enters as
 * l2_factor_j * w (l2 / s_j^2 in standardized coordinates) and the lasso as l1_factor_j (l1 / s_j),
 * both for weights only (p < penalized). Intercepts that are not fitted stay put.
 * Adds p's penalty to *penalty and its squared proximal gradient mapping to *mapping.
 */
#ifndef DESCENT_UPDATE_H
#define DESCENT_UPDATE_H
#include "descent_math.h"

DESCENT_INLINE void descent_update_parameter(int p, DESCENT_GLOBAL float *params, DESCENT_GLOBAL float *first,
                                             DESCENT_GLOBAL float *second, DESCENT_GLOBAL const float *gradient,
                                             float inv_weight_sum, int d, int penalized, int has_intercept,
                                             DESCENT_GLOBAL const float *l2_factor, DESCENT_GLOBAL const float *l1_factor,
                                             int kind, float lr, float mu, float beta1, float beta2, float rho, float eps,
                                             float c1, float c2, float *penalty, float *mapping) {
    const int weight = p < penalized;
    if (!weight && !has_intercept) {
        return;
    }
    const float w = params[p];
    float g = gradient[p] * inv_weight_sum;
    float l1 = 0.0f;
    if (weight) {
        const float l2 = l2_factor[p % d];
        l1 = l1_factor[p % d];
        g += l2 * w;
        *penalty += 0.5f * l2 * w * w + l1 * fabs(w);
    }
    float f = first[p];
    float s = second[p];
    float squared;
    params[p] = descent_update(kind, w, g, lr, l1, mu, beta1, beta2, rho, eps, c1, c2, &f, &s, &squared);
    first[p] = f;
    second[p] = s;
    *mapping += squared;
}

#endif
