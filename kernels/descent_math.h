/*
 * descent_math.h: the per-element math of descent, written once for every GPU dialect.
 *
 * Included by the OpenCL kernels (after opencl_compat.h) and by the CUDA kernels (after
 * cuda_compat.h). The compat header supplies DESCENT_INLINE (a device function), the types
 * descent_uint / descent_ulong / descent_long, the address spaces DESCENT_GLOBAL / DESCENT_SHARED,
 * DESCENT_BARRIER(), and the float functions exp, log, log1p, fabs, fmax, sqrt, min.
 * Every formula here equals the Java oracle: the loss table (loss/Loss.java) for the losses, ParameterUpdate.java for
 * the update rules and RowPermutation.java for the mini-batch order (bit for bit: 32-bit unsigned
 * arithmetic that wraps as Java's int does).
 */
#ifndef DESCENT_MATH_H
#define DESCENT_MATH_H

/* Loss kinds: the kernel codes of the loss table (Loss.java; LossTableTest checks that they agree),
 * plus GRAM, which is "r = z" for the power iteration. */
#define DESCENT_LINEAR 0
#define DESCENT_LOGISTIC 1
#define DESCENT_SOFTMAX 2
#define DESCENT_GRAM 3
#define DESCENT_HUBER 4
#define DESCENT_POISSON 5
#define DESCENT_SQUARED_HINGE 6

/* Update rules: OptimizerKind's order. */
#define DESCENT_GD 0
#define DESCENT_MOMENTUM 1
#define DESCENT_NESTEROV 2
#define DESCENT_ADAGRAD 3
#define DESCENT_RMSPROP 4
#define DESCENT_ADAM 5

/* linear: loss (z - y)^2, dloss/dz = 2 (z - y). */
DESCENT_INLINE float descent_linear_loss(float z, float y) { float e = z - y; return e * e; }
DESCENT_INLINE float descent_linear_residual(float z, float y) { return 2.0f * (z - y); }

/* logistic: loss max(z, 0) + log1p(exp(-|z|)) - y z (no overflow, no log 0); dloss/dz = sigmoid(z) - y. */
DESCENT_INLINE float descent_logistic_loss(float z, float y) {
    return fmax(z, 0.0f) + log1p(exp(-fabs(z))) - y * z;
}
DESCENT_INLINE float descent_logistic_residual(float z, float y) {
    float e = exp(-fabs(z));
    return (z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e)) - y;
}

/* huber (p = delta > 0), e = z - y: loss e^2 / 2 for |e| <= p, else p (|e| - p / 2); dloss/dz = e clipped to [-p, p]. */
DESCENT_INLINE float descent_huber_loss(float z, float y, float p) {
    float e = fabs(z - y);
    return e <= p ? 0.5f * e * e : p * (e - 0.5f * p);
}
DESCENT_INLINE float descent_huber_residual(float z, float y, float p) {
    float e = z - y;
    return e > p ? p : (e < -p ? -p : e);
}

/* poisson (log link): loss y (log y - z) + (e^z - y), 0 log 0 = 0 (half the deviance); dloss/dz = e^z - y. */
DESCENT_INLINE float descent_poisson_loss(float z, float y) {
    float shortfall = y > 0.0f ? y * (log(y) - z) : 0.0f;
    return shortfall + (exp(z) - y);
}
DESCENT_INLINE float descent_poisson_residual(float z, float y) { return exp(z) - y; }

/* squared hinge, labels 0/1 as t = 2y - 1: loss max(0, 1 - t z)^2; dloss/dz = -2 t max(0, 1 - t z). */
DESCENT_INLINE float descent_squared_hinge_loss(float z, float y) {
    float margin = fmax(1.0f - (2.0f * y - 1.0f) * z, 0.0f);
    return margin * margin;
}
DESCENT_INLINE float descent_squared_hinge_residual(float z, float y) {
    float t = 2.0f * y - 1.0f;
    return -2.0f * t * fmax(1.0f - t * z, 0.0f);
}

/*
 * s * loss(z, y) into *loss, and returns s * dloss/dz, for k = 1; p is the loss's parameter (Huber's
 * delta; 0 for losses without one). The power iteration's "loss" is r = s z.
 */
DESCENT_INLINE float descent_weighted_residual(int loss_kind, float p, float z, float label, float s, float *loss) {
    if (loss_kind == DESCENT_LINEAR) {
        *loss = s * descent_linear_loss(z, label);
        return s * descent_linear_residual(z, label);
    }
    if (loss_kind == DESCENT_LOGISTIC) {
        *loss = s * descent_logistic_loss(z, label);
        return s * descent_logistic_residual(z, label);
    }
    if (loss_kind == DESCENT_HUBER) {
        *loss = s * descent_huber_loss(z, label, p);
        return s * descent_huber_residual(z, label, p);
    }
    if (loss_kind == DESCENT_POISSON) {
        *loss = s * descent_poisson_loss(z, label);
        return s * descent_poisson_residual(z, label);
    }
    if (loss_kind == DESCENT_SQUARED_HINGE) {
        *loss = s * descent_squared_hinge_loss(z, label);
        return s * descent_squared_hinge_residual(z, label);
    }
    *loss = 0.0f;
    return s * z;
}

/* sign(w) max(|w| - t, 0): the proximal operator of t |w|. */
DESCENT_INLINE float descent_soft_threshold(float w, float t) {
    return w > t ? w - t : (w < -t ? w + t : 0.0f);
}

/*
 * One coordinate of one optimizer step (ParameterUpdate.apply). w is the coordinate, g its
 * gradient (l2 included), l1 its lasso strength (0 for intercepts). first/second are its optimizer
 * state; c1 = 1 - beta1^t and c2 = 1 - beta2^t are Adam's bias corrections. Returns the new value
 * and writes the squared proximal gradient mapping at w into *mapping_squared.
 */
DESCENT_INLINE float descent_update(int kind, float w, float g, float lr, float l1, float mu, float beta1,
                                    float beta2, float rho, float eps, float c1, float c2,
                                    float *first, float *second, float *mapping_squared) {
    float mapping = l1 > 0.0f ? (w - descent_soft_threshold(w - lr * g, lr * l1)) / lr : g;
    *mapping_squared = mapping * mapping;
    float step = lr;
    float delta = g;
    if (kind == DESCENT_MOMENTUM) {
        *first = mu * *first + g;
        delta = *first;
    } else if (kind == DESCENT_NESTEROV) {
        *first = mu * *first + g;
        delta = g + mu * *first;
    } else if (kind == DESCENT_ADAGRAD) {
        *second += g * g;
        step = lr / (sqrt(*second) + eps);
    } else if (kind == DESCENT_RMSPROP) {
        *second = rho * *second + (1.0f - rho) * g * g;
        step = lr / (sqrt(*second) + eps);
    } else if (kind == DESCENT_ADAM) {
        *first = beta1 * *first + (1.0f - beta1) * g;
        *second = beta2 * *second + (1.0f - beta2) * g * g;
        step = lr / (sqrt(*second / c2) + eps);
        delta = *first / c1;
    }
    w -= step * delta;
    return l1 > 0.0f ? descent_soft_threshold(w, step * l1) : w;
}

/* MurmurHash3's 32-bit finalizer (RowPermutation.mix32). */
DESCENT_INLINE descent_uint descent_mix32(descent_uint h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* The row at this position of the epoch's permutation (RowPermutation.row): Feistel plus cycle walking. */
DESCENT_INLINE descent_uint descent_row(descent_ulong key, descent_uint rows, descent_uint position) {
    descent_uint bits = 2;
    while (bits < 32 && (((descent_ulong) 1) << bits) < (descent_ulong) rows) {
        bits++;
    }
    bits += bits & 1u;
    descent_uint half_bits = bits / 2;
    descent_uint mask = (descent_uint) ((((descent_ulong) 1) << half_bits) - 1);
    descent_uint value = position;
    do {
        descent_uint left = value >> half_bits;
        descent_uint right = value & mask;
        for (descent_uint pass = 0; pass < 4; pass++) {
            descent_uint round_key = (descent_uint) (key >> (16 * pass)) ^ (pass * 0x632BE5ABu);
            descent_uint next = left ^ (descent_mix32(right ^ round_key) & mask);
            left = right;
            right = next;
        }
        value = (left << half_bits) | right;
    } while (value >= rows);
    return value;
}

#endif
