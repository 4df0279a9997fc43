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

/*
 * Every thread sums a strided share of x as float4 and writes one partial: X read once, little written.
 * Four independent loads in flight per thread and iteration, each into its own sum: with one load per
 * iteration a thread waits out each load's latency, about 16 KiB in flight per SM, short of what an
 * H100's memory needs to reach its read bandwidth. The host launches enough blocks to fill every SM.
 */
extern "C" __global__ void __launch_bounds__(256) stream_read(const float4 *__restrict__ x, long long count4,
                                                              float *__restrict__ out) {
    float4 s0 = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    float4 s1 = s0;
    float4 s2 = s0;
    float4 s3 = s0;
    const long long stride = (long long) gridDim.x * blockDim.x;
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    for (; i + 3 * stride < count4; i += 4 * stride) {
        const float4 v0 = __ldg(x + i);
        const float4 v1 = __ldg(x + i + stride);
        const float4 v2 = __ldg(x + i + 2 * stride);
        const float4 v3 = __ldg(x + i + 3 * stride);
        s0.x += v0.x; s0.y += v0.y; s0.z += v0.z; s0.w += v0.w;
        s1.x += v1.x; s1.y += v1.y; s1.z += v1.z; s1.w += v1.w;
        s2.x += v2.x; s2.y += v2.y; s2.z += v2.z; s2.w += v2.w;
        s3.x += v3.x; s3.y += v3.y; s3.z += v3.z; s3.w += v3.w;
    }
    for (; i < count4; i += stride) {
        const float4 v = __ldg(x + i);
        s0.x += v.x; s0.y += v.y; s0.z += v.z; s0.w += v.w;
    }
    out[(size_t) blockIdx.x * blockDim.x + threadIdx.x] =
        (s0.x + s0.y + s0.z + s0.w) + (s1.x + s1.y + s1.z + s1.w) + (s2.x + s2.y + s2.z + s2.w) + (s3.x + s3.y + s3.z + s3.w);
}
