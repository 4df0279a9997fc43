/*
 * reduce_partials.cl: sums the work-groups' partials of fused_step, in group order (fixed, so the
 * result is deterministic; no atomics), with Kahan compensation so that thousands of float32
 * partials lose no more than a few roundings. Work-item p < width sums column p; work-item
 * p == width sums the losses. Output: sums[0 .. width] (width + 1 values).
 */
#include "descent_math.h"

__kernel void reduce_partials(__global const float *partial, __global const float *partial_loss, int groups,
                              int width, __global float *sums) {
    const int p = get_global_id(0);
    if (p > width) {
        return;
    }
    float sum = 0.0f;
    float compensation = 0.0f;
    for (int g = 0; g < groups; g++) {
        const float value = (p < width ? partial[(long) g * width + p] : partial_loss[g]) - compensation;
        const float next = sum + value;
        compensation = (next - sum) - value;
        sum = next;
    }
    sums[p] = sum;
}

/*
 * stream_read: the device's memory read floor for the benchmark. Every work-item sums a strided
 * share of x as float4 (coalesced) and writes one partial, so the kernel reads the buffer once and
 * writes almost nothing.
 */
__kernel void stream_read(__global const float4 *x, int count4, __global float *out) {
    float4 sum = (float4) (0.0f);
    for (int i = get_global_id(0); i < count4; i += get_global_size(0)) {
        sum += x[i];
    }
    out[get_global_id(0)] = sum.x + sum.y + sum.z + sum.w;
}
