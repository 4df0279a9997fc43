/*
 * cuda_compat.h: what descent_math.h needs from CUDA C++, and the CUDA-only speed helpers the
 * kernels share. The OpenCL twin is opencl_compat.h.
 *
 * CUDA's math library overloads exp, log1p, fabs, fmax and sqrt for float in device code, so the
 * math header's calls stay float (no double instruction in the PTX; build-ptx.sh checks).
 */
#ifndef DESCENT_COMPAT_H
#define DESCENT_COMPAT_H
#define DESCENT_INLINE __device__ __forceinline__
typedef unsigned int descent_uint;
typedef unsigned long long descent_ulong;
typedef long long descent_long;
/* CUDA has one generic address space for pointers, and __syncthreads for a block barrier. */
#define DESCENT_GLOBAL
#define DESCENT_SHARED
#define DESCENT_BARRIER() __syncthreads()

#define DESCENT_FULL_WARP 0xffffffffu

/*
 * Sum over the 32 lanes of a warp by an xor butterfly. Every lane ends with the same bits: at each
 * level lane i adds v_i + v_(i^s) and lane i^s adds v_(i^s) + v_i, which float addition (commutative)
 * rounds identically. The order is fixed, so the sum is deterministic.
 */
DESCENT_INLINE float descent_warp_sum(float value) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        value += __shfl_xor_sync(DESCENT_FULL_WARP, value, offset);
    }
    return value;
}

/*
 * Sum over a block of `threads` threads (a multiple of 32, at most 1024) in a fixed order: each
 * warp's butterfly, then the warps in order by thread 0, which alone gets the total (the others 0).
 * warp_sums holds threads / 32 floats of shared memory. Every thread of the block must call it.
 */
DESCENT_INLINE float descent_block_sum(float value, float *warp_sums, int threads) {
    value = descent_warp_sum(value);
    if ((threadIdx.x & 31) == 0) {
        warp_sums[threadIdx.x >> 5] = value;
    }
    __syncthreads();
    float total = 0.0f;
    if (threadIdx.x == 0) {
        for (int w = 0; w < threads / 32; w++) {
            total += warp_sums[w];
        }
    }
    __syncthreads();
    return total;
}

/* This block's share [first, last) of the batch: equal shares rounded up to a multiple of quantum. */
DESCENT_INLINE void descent_block_range(int batch_size, int quantum, int *first, int *last) {
    int share = (batch_size + (int) gridDim.x - 1) / (int) gridDim.x;
    share = (share + quantum - 1) / quantum * quantum;
    *first = min(batch_size, (int) blockIdx.x * share);
    *last = min(batch_size, *first + share);
}

/*
 * Per-step scalars, read by the kernels from device memory rather than passed as launch
 * arguments, so that a run of steps captured once in a CUDA graph can be replayed with new values
 * (CudaBackend writes one slot per pending step). 48 bytes; the layout is mirrored in CudaBackend.
 */
struct descent_step_args {
    descent_ulong key;       /* the epoch's permutation key */
    int batch_start;         /* first position of the batch in the epoch's permutation */
    int batch_size;          /* rows in the batch */
    int shuffled;            /* 1: rows come from the permutation; 0: storage order from batch_start */
    float learning_rate;
    float bias_one;          /* 1 - beta1^t (Adam) */
    float bias_two;          /* 1 - beta2^t (Adam) */
    float inv_weight_sum;    /* 1 / (batch size * S / rows): the batch's data term is an estimate of the full one */
    float batch_rows;        /* batch size, as a float, for the epoch's objective sum */
    float loss_parameter;    /* the loss's parameter (Huber's delta; 0 for losses without one) */
    int padding;
};
/* CudaBackend.putArgs writes this layout byte by byte: the build stops if the two disagree. */
static_assert(sizeof(descent_step_args) == 48, "descent_step_args is 48 bytes (CudaBackend.ARGS_BYTES)");
static_assert(__builtin_offsetof(descent_step_args, batch_start) == 8, "batch_start at 8");
static_assert(__builtin_offsetof(descent_step_args, batch_size) == 12, "batch_size at 12");
static_assert(__builtin_offsetof(descent_step_args, shuffled) == 16, "shuffled at 16");
static_assert(__builtin_offsetof(descent_step_args, learning_rate) == 20, "learning_rate at 20");
static_assert(__builtin_offsetof(descent_step_args, bias_one) == 24, "bias_one at 24");
static_assert(__builtin_offsetof(descent_step_args, bias_two) == 28, "bias_two at 28");
static_assert(__builtin_offsetof(descent_step_args, inv_weight_sum) == 32, "inv_weight_sum at 32");
static_assert(__builtin_offsetof(descent_step_args, batch_rows) == 36, "batch_rows at 36");
static_assert(__builtin_offsetof(descent_step_args, loss_parameter) == 40, "loss_parameter at 40");

#endif
