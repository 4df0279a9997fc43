/*
 * reduce_partials.cu: sums fused_step's per-block partials (the CUDA twin of reduce_partials.cl),
 * in a fixed order, so the result is deterministic (no atomics), with Kahan compensation.
 *
 * Block (32, STRIPES): threadIdx.x picks one of 32 consecutive columns (coalesced reads), and
 * stripe y sums blocks y, y + STRIPES, y + 2 STRIPES, .. in order; the STRIPES sums are then added
 * in stripe order. Spreading the blocks over stripes keeps a narrow model (d = 64: 65 columns)
 * from being one long serial chain per column. Column p == width is the loss.
 * Grid: ceil((width + 1) / 32) blocks. Output: sums[0 .. width].
 *
 * stream_read: the device's memory read floor for the benchmark, as in reduce_partials.cl.
 */
#include "cuda_compat.h"
#include "descent_math.h"

#define STRIPES 8

extern "C" __global__ void __launch_bounds__(32 * STRIPES)
reduce_partials(const float *__restrict__ partial, const float *__restrict__ partial_loss, int groups, int width,
                float *__restrict__ sums) {
    __shared__ float stripe_sum[STRIPES][32];
    __shared__ float stripe_compensation[STRIPES][32];
    const int p = blockIdx.x * 32 + threadIdx.x;
    float sum = 0.0f;
    float compensation = 0.0f;
    if (p <= width) {
        for (int g = threadIdx.y; g < groups; g += STRIPES) {
            const float value = (p < width ? partial[(size_t) g * width + p] : partial_loss[g]) - compensation;
            const float next = sum + value;
            compensation = (next - sum) - value;
            sum = next;
        }
    }
    stripe_sum[threadIdx.y][threadIdx.x] = sum;
    stripe_compensation[threadIdx.y][threadIdx.x] = compensation;
    __syncthreads();
    if (threadIdx.y == 0 && p <= width) {
        float total = 0.0f;
        float carry = 0.0f;
        for (int s = 0; s < STRIPES; s++) {
            const float value = stripe_sum[s][threadIdx.x] - stripe_compensation[s][threadIdx.x] - carry;
            const float next = total + value;
            carry = (next - total) - value;
            total = next;
        }
        sums[p] = total;
    }
}

/* Every thread sums a strided share of x as float4 and writes one partial: X read once, little written. */
extern "C" __global__ void stream_read(const float4 *__restrict__ x, long long count4, float *__restrict__ out) {
    float4 sum = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    const long long stride = (long long) gridDim.x * blockDim.x;
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < count4; i += stride) {
        const float4 v = __ldg(x + i);
        sum.x += v.x;
        sum.y += v.y;
        sum.z += v.z;
        sum.w += v.w;
    }
    out[(size_t) blockIdx.x * blockDim.x + threadIdx.x] = sum.x + sum.y + sum.z + sum.w;
}
