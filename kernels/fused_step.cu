/*
 * fused_step.cu: one pass over a batch of X for the data term of the objective and its gradient
 * (the CUDA twin of fused_step.cl; same outputs, same coordinates).
 *
 * Block g of the grid takes a contiguous share of the batch positions and writes its own partials:
 *   partial[g][c*d + j] = sum_i s_i r_ic x'_ij,  partial[g][k*d + c] = sum_i s_i r_ic,
 *   partial_loss[g]     = sum_i s_i loss_i,
 * with x'_ij = (x_ij - mean_j) * inv_scale_j (the optimizer's standardized coordinates; zero and one
 * buffers give the raw features), z_ic = b'_c + sum_j w'_cj x'_ij and r = dloss/dz. Rows are the
 * positions args->batch_start.. of the epoch's permutation, or storage order (descent_batch_row).
 * Every sum has a fixed order and there are no atomics, so a step is bit-reproducible on one GPU.
 *
 * Two kernels, chosen by CudaBackend:
 *   fused_narrow_<C>  k = 1 (linear, logistic, and the power iteration's X^T X v), d <= 32 C. The
 *                     fast path. One warp per row: lane l holds columns l, l + 32, .. (C of them)
 *                     in registers, so a row's loads are coalesced 128-byte lines. A warp loads ROWS
 *                     rows before it does any arithmetic (memory-level parallelism), finishes the
 *                     dot products with a shuffle butterfly, lets lane r compute row r's loss and
 *                     residual (one exp per row, not per lane) and broadcasts it back, then adds
 *                     r x' into its register accumulators while the row is still in registers.
 *                     Version 2 (this one): the ROWS rows' indices first, then their loads with
 *                     no branch between them (version 1 guarded each load, which the PTX kept as
 *                     a chain of branch blocks). Tuning candidates for a GPU run: float4 loads
 *                     and several rows per warp for small d; native-test's SASS check shows
 *                     whether the loads issue back to back.
 *   fused_softmax_<C> softmax with few features and classes (d <= 32 C, C = 1, 2, 4; up to 16, 16, 8
 *                     classes): a warp per row, k accumulators a lane (below).
 *   fused_tiled_<C>   softmax with up to 64 / C classes, and k = 1 past 1,024 features, d <= 256 C: a
 *                     tile of rows in shared memory, read from memory once, the gradient in registers
 *                     (below).
 *   fused_wide        any k and d: fused_step.h, the body fused_step.cl runs too (sub-blocks of
 *                     SUB rows, dot products split across the block and summed in a fixed tree),
 *                     for softmax and for d above 1024.
 *
 * Shapes: x (rows, d) row-major; params k*d weights then k intercepts; partial (gridDim.x, k*d + k).
 * Build: kernels/build-ptx.sh (nvcc -ptx, lowest target sm_75).
 */
#include "cuda_compat.h"
#include "descent_math.h"

/* Warps per block of fused_narrow. */
#define WARPS 8
#define THREADS (32 * WARPS)
/* Threads per block and rows per sub-block of fused_wide (as fused_step.cl's LOCAL and SUB). */
#define LOCAL 64
#define SUB 16
#include "fused_step.h"

/* Zeros a register array of accumulators (unrolled: its indices stay constants, so it stays in registers). */
template <int OUTER, int INNER>
__device__ __forceinline__ void descent_zero(float (&values)[OUTER][INNER]) {
#pragma unroll
    for (int a = 0; a < OUTER; a++) {
#pragma unroll
        for (int b = 0; b < INNER; b++) {
            values[a][b] = 0.0f;
        }
    }
}

/* The storage row of batch position pos. */
DESCENT_INLINE int descent_batch_row(const descent_step_args *args, int rows, int pos) {
    return args->shuffled ? (int) descent_row(args->key, (descent_uint) rows, (descent_uint) (args->batch_start + pos))
                          : args->batch_start + pos;
}

/*
 * A warp's round of ROWS rows from batch position base (fused_narrow and fused_softmax): lane r < ROWS finds row
 * r (the permutation is computed once per row, not per lane), then every lane loads its CHUNKS columns of every
 * row, standardized, into value, zero past d and for rows past last. Returns this lane's row (row 0 where not
 * mine). Version 2: every row index first, then every load unconditional from a clamped address (a column past
 * d reads column d - 1, the same line as its neighbours; a row past the batch reads row 0, which exists), then
 * the mask. Version 1 guarded each load with its own branch and shuffled between rows, which the PTX kept as one
 * load per branch block, in sequence.
 */
template <int CHUNKS, int ROWS>
__device__ __forceinline__ int descent_warp_round(const float *__restrict__ x, const descent_step_args *__restrict__ args,
                                                  int rows, int d, int base, int last, int lane, bool mine,
                                                  const float *centre, const float *inverse, float (&value)[ROWS][CHUNKS]) {
    const int my_row = mine ? descent_batch_row(args, rows, base + lane) : 0;
    int row_of[ROWS];
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        row_of[r] = __shfl_sync(DESCENT_FULL_WARP, my_row, r);
    }
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        const float *row = x + (size_t) row_of[r] * d;
#pragma unroll
        for (int c = 0; c < CHUNKS; c++) {
            value[r][c] = __ldg(row + min(lane + 32 * c, d - 1));
        }
    }
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        const bool valid = base + r < last;
#pragma unroll
        for (int c = 0; c < CHUNKS; c++) {
            const int j = lane + 32 * c;
            value[r][c] = valid && j < d ? (value[r][c] - centre[j]) * inverse[j] : 0.0f;
        }
    }
    return my_row;
}

template <int CHUNKS, int ROWS>
__device__ __forceinline__ void fused_narrow(const float *__restrict__ x, const float *__restrict__ y,
                                             const float *__restrict__ sample_weight, int has_weights,
                                             const float *__restrict__ mean, const float *__restrict__ inv_scale,
                                             const float *__restrict__ params, int rows, int d, int loss_kind,
                                             const descent_step_args *__restrict__ args, float *__restrict__ partial,
                                             float *__restrict__ partial_loss) {
    __shared__ float centre[32 * CHUNKS];
    __shared__ float inverse[32 * CHUNKS];
    __shared__ float weight[32 * CHUNKS];
    __shared__ float warp_gradient[WARPS][32 * CHUNKS];
    __shared__ float warp_loss[WARPS];
    __shared__ float warp_residual[WARPS];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int j = threadIdx.x; j < 32 * CHUNKS; j += THREADS) {
        const bool column = j < d;
        centre[j] = column ? mean[j] : 0.0f;
        inverse[j] = column ? inv_scale[j] : 0.0f;
        weight[j] = column ? params[j] : 0.0f;
    }
    __syncthreads();
    const float intercept = params[d];
    int first;
    int last;
    descent_block_range(args->batch_size, 1, &first, &last);

    float gradient[CHUNKS];
#pragma unroll
    for (int c = 0; c < CHUNKS; c++) {
        gradient[c] = 0.0f;
    }
    float loss_sum = 0.0f;
    float residual_sum = 0.0f;
    for (int base = first + warp * ROWS; base < last; base += WARPS * ROWS) {
        float value[ROWS][CHUNKS];
        const bool mine = lane < ROWS && base + lane < last;
        const int my_row = descent_warp_round<CHUNKS, ROWS>(x, args, rows, d, base, last, lane, mine, centre, inverse, value);
        float z[ROWS];
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            float dot = 0.0f;
#pragma unroll
            for (int c = 0; c < CHUNKS; c++) {
                dot += value[r][c] * weight[lane + 32 * c];
            }
            z[r] = dot;
        }
        /* the butterflies of all ROWS rows interleaved, so the shuffles overlap */
#pragma unroll
        for (int offset = 16; offset > 0; offset >>= 1) {
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
                z[r] += __shfl_xor_sync(DESCENT_FULL_WARP, z[r], offset);
            }
        }
        float my_z = z[0];
#pragma unroll
        for (int r = 1; r < ROWS; r++) {
            my_z = lane == r ? z[r] : my_z;
        }
        float residual = 0.0f;
        if (mine) {
            const float s = has_weights ? sample_weight[my_row] : 1.0f;
            float loss;
            residual = descent_weighted_residual(loss_kind, args->loss_parameter, my_z + intercept, y[my_row], s, &loss);
            loss_sum += loss;
            residual_sum += residual;
        }
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            const float rr = __shfl_sync(DESCENT_FULL_WARP, residual, r);
#pragma unroll
            for (int c = 0; c < CHUNKS; c++) {
                gradient[c] += rr * value[r][c];
            }
        }
    }

    /* warps' partials, then the block's, in warp order */
#pragma unroll
    for (int c = 0; c < CHUNKS; c++) {
        warp_gradient[warp][lane + 32 * c] = gradient[c];
    }
    loss_sum = descent_warp_sum(loss_sum);
    residual_sum = descent_warp_sum(residual_sum);
    if (lane == 0) {
        warp_loss[warp] = loss_sum;
        warp_residual[warp] = residual_sum;
    }
    __syncthreads();
    float *out = partial + (size_t) blockIdx.x * (d + 1);
    for (int j = threadIdx.x; j < d; j += THREADS) {
        float sum = 0.0f;
        for (int w = 0; w < WARPS; w++) {
            sum += warp_gradient[w][j];
        }
        out[j] = sum;
    }
    if (threadIdx.x == 0) {
        float loss = 0.0f;
        float residual = 0.0f;
        for (int w = 0; w < WARPS; w++) {
            loss += warp_loss[w];
            residual += warp_residual[w];
        }
        out[d] = residual;
        partial_loss[blockIdx.x] = loss;
    }
}

/* One entry point per register width; ROWS keeps ROWS * CHUNKS (loads in flight per lane) at 16..32. */
#define DESCENT_FUSED_NARROW(CHUNKS, ROWS)                                                                           \
    extern "C" __global__ void __launch_bounds__(THREADS) fused_narrow_##CHUNKS(                                     \
            const float *__restrict__ x, const float *__restrict__ y, const float *__restrict__ sample_weight,       \
            int has_weights, const float *__restrict__ mean, const float *__restrict__ inv_scale,                    \
            const float *__restrict__ params, int rows, int d, int loss_kind,                                       \
            const descent_step_args *__restrict__ args, float *__restrict__ partial, float *__restrict__ partial_loss) { \
        fused_narrow<CHUNKS, ROWS>(x, y, sample_weight, has_weights, mean, inv_scale, params, rows, d, loss_kind, args, \
                                   partial, partial_loss);                                                            \
    }
DESCENT_FUSED_NARROW(1, 16)
DESCENT_FUSED_NARROW(2, 8)
DESCENT_FUSED_NARROW(4, 8)
DESCENT_FUSED_NARROW(8, 4)
DESCENT_FUSED_NARROW(16, 2)
DESCENT_FUSED_NARROW(32, 1)

/*
 * fused_softmax_<C>: softmax with few features and classes (d <= 32 C, k <= CLASSES, C = 1, 2, 4), a warp
 * per row as in fused_narrow, with k accumulators a lane. Version 1. A warp
 *   1. takes a round's ROWS row indices, then issues their loads back to back (C columns a lane a row);
 *   2. for each row, lane l adds its columns' share of all k dot products (k accumulators), and k
 *      interleaved shuffle butterflies give every lane the row's z;
 *   3. lane r keeps row r's z and turns it into s * loss and s * dloss/dz (descent_weighted_row_loss,
 *      the same code as every other kernel), the round's rows in parallel;
 *   4. every lane takes each row's k residuals by shuffle and adds r x' into its k x C register
 *      accumulators, and lane c adds class c's intercept sum.
 * X is read once, with no barrier inside the loop; fused_tiled stages rows through shared memory with four
 * barriers a tile, and fused_wide runs about 70 per 16 rows at k = 10. Fixed orders throughout (the
 * butterflies, rows in order per lane, warps in order at the end), so the pass is bit-reproducible.
 */
template <int CHUNKS, int CLASSES, int ROWS>
__device__ __forceinline__ void fused_softmax(const float *__restrict__ x, const float *__restrict__ y,
                                              const float *__restrict__ sample_weight, int has_weights,
                                              const float *__restrict__ mean, const float *__restrict__ inv_scale,
                                              const float *__restrict__ params, int rows, int d, int k, int loss_kind,
                                              const descent_step_args *__restrict__ args, float *__restrict__ partial,
                                              float *__restrict__ partial_loss) {
    __shared__ float centre[32 * CHUNKS];
    __shared__ float inverse[32 * CHUNKS];
    __shared__ float weight[CLASSES][32 * CHUNKS];
    __shared__ float bias[CLASSES];
    __shared__ float block_gradient[CLASSES][32 * CHUNKS];
    __shared__ float block_intercept[CLASSES];
    __shared__ float warp_loss[WARPS];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int j = threadIdx.x; j < 32 * CHUNKS; j += THREADS) {
        const bool column = j < d;
        centre[j] = column ? mean[j] : 0.0f;
        inverse[j] = column ? inv_scale[j] : 0.0f;
    }
    for (int p = threadIdx.x; p < CLASSES * 32 * CHUNKS; p += THREADS) {
        const int c = p / (32 * CHUNKS);
        const int j = p - c * 32 * CHUNKS;
        weight[c][j] = c < k && j < d ? params[c * d + j] : 0.0f;
    }
    for (int c = threadIdx.x; c < CLASSES; c += THREADS) {
        bias[c] = c < k ? params[k * d + c] : 0.0f;
    }
    __syncthreads();
    int first;
    int last;
    descent_block_range(args->batch_size, 1, &first, &last);

    float gradient[CLASSES][CHUNKS];
    descent_zero(gradient);
    float intercept = 0.0f;
    float loss_sum = 0.0f;
    for (int base = first + warp * ROWS; base < last; base += WARPS * ROWS) {
        float value[ROWS][CHUNKS];
        const bool mine = lane < ROWS && base + lane < last;
        const int my_row = descent_warp_round<CHUNKS, ROWS>(x, args, rows, d, base, last, lane, mine, centre, inverse, value);
        /* row r's z, then its residuals, in lane r (zero in the other lanes, whose values are never used) */
        float mine_z[CLASSES];
#pragma unroll
        for (int c = 0; c < CLASSES; c++) {
            mine_z[c] = 0.0f;
        }
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            /* classes past k (uniform across the warp) are skipped: their weights are zero */
            float z[CLASSES];
#pragma unroll
            for (int c = 0; c < CLASSES; c++) {
                float dot = 0.0f;
#pragma unroll
                for (int q = 0; q < CHUNKS; q++) {
                    dot += value[r][q] * weight[c][lane + 32 * q];
                }
                z[c] = dot;
            }
#pragma unroll
            for (int offset = 16; offset > 0; offset >>= 1) {
#pragma unroll
                for (int c = 0; c < CLASSES; c++) {
                    if (c < k) {
                        z[c] += __shfl_xor_sync(DESCENT_FULL_WARP, z[c], offset);
                    }
                }
            }
            if (lane == r) {
#pragma unroll
                for (int c = 0; c < CLASSES; c++) {
                    mine_z[c] = z[c] + bias[c];
                }
            }
        }
        if (mine) {
            const float s = has_weights ? sample_weight[my_row] : 1.0f;
            loss_sum += descent_weighted_row_loss(loss_kind, args->loss_parameter, mine_z, k, y[my_row], s);
        }
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            const bool valid = base + r < last;
#pragma unroll
            for (int c = 0; c < CLASSES; c++) {
                if (c < k) {
                    const float shared_residual = __shfl_sync(DESCENT_FULL_WARP, mine_z[c], r);
                    const float residual = valid ? shared_residual : 0.0f;
#pragma unroll
                    for (int q = 0; q < CHUNKS; q++) {
                        gradient[c][q] += residual * value[r][q];
                    }
                    intercept += lane == c ? residual : 0.0f;
                }
            }
        }
    }

    /* the warps' sums added into shared memory one warp at a time, in warp order */
    loss_sum = descent_warp_sum(loss_sum);
    if (lane == 0) {
        warp_loss[warp] = loss_sum;
    }
    for (int w = 0; w < WARPS; w++) {
        if (warp == w) {
#pragma unroll
            for (int c = 0; c < CLASSES; c++) {
#pragma unroll
                for (int q = 0; q < CHUNKS; q++) {
                    const int j = lane + 32 * q;
                    block_gradient[c][j] = (w == 0 ? 0.0f : block_gradient[c][j]) + gradient[c][q];
                }
            }
            if (lane < CLASSES) {
                block_intercept[lane] = (w == 0 ? 0.0f : block_intercept[lane]) + intercept;
            }
        }
        __syncthreads();
    }
    float *out = partial + (size_t) blockIdx.x * (k * d + k);
    for (int p = threadIdx.x; p < k * d; p += THREADS) {
        const int c = p / d;
        out[p] = block_gradient[c][p - c * d];
    }
    const int t = threadIdx.x;
    if (t < k) {
        out[k * d + t] = block_intercept[t];
    }
    if (t == 0) {
        float loss = 0.0f;
        for (int w = 0; w < WARPS; w++) {
            loss += warp_loss[w];
        }
        partial_loss[blockIdx.x] = loss;
    }
}

/* One entry point per register width: C columns a lane, CLASSES accumulators each, ROWS x C loads a lane a round. */
#define DESCENT_FUSED_SOFTMAX(CHUNKS, CLASSES, ROWS)                                                                   \
    extern "C" __global__ void __launch_bounds__(THREADS) fused_softmax_##CHUNKS(                                      \
            const float *__restrict__ x, const float *__restrict__ y, const float *__restrict__ sample_weight,         \
            int has_weights, const float *__restrict__ mean, const float *__restrict__ inv_scale,                      \
            const float *__restrict__ params, int rows, int d, int k, int loss_kind,                                  \
            const descent_step_args *__restrict__ args, float *__restrict__ partial, float *__restrict__ partial_loss) { \
        fused_softmax<CHUNKS, CLASSES, ROWS>(x, y, sample_weight, has_weights, mean, inv_scale, params, rows, d, k,     \
                                             loss_kind, args, partial, partial_loss);                                  \
    }
DESCENT_FUSED_SOFTMAX(1, 16, 8)
DESCENT_FUSED_SOFTMAX(2, 16, 4)
DESCENT_FUSED_SOFTMAX(4, 8, 2)

/*
 * fused_tiled_<C>: softmax (k <= 64 / C classes) and one output past 1,024 features (d <= 256 C), a
 * tile of rows at a time. Version 1. The block's 256 threads
 *   1. load the tile's rows into shared memory once, standardized (coalesced along each row);
 *   2. compute its z (tile rows x k dot products, one per thread at a time, in chunks of 64 columns);
 *   3. turn each row's z into s * loss and s * dloss/dz in place (descent_weighted_row_loss);
 *   4. add r x' into register accumulators: thread t owns columns t, t + 256, .. (C of them) for every
 *      class, so the gradient needs no reduction across threads and X is read from memory once.
 * Four barriers a tile, where fused_wide takes about 70 per 16 rows at k = 10 and re-reads X for the
 * gradient at d > 1,024. The tile's row count comes from the host (the dynamic shared memory it may
 * take): shared memory holds tile (rows x d) floats, z (rows x k), the rows' weights and indices.
 * Every sum has a fixed order: z along j, r x' along the tile's rows, the loss by warp butterflies and
 * then warps in order; so the pass is bit-reproducible.
 */
#define TILED_THREADS 256
#define TILED_ACCUMULATORS 64
#define TILED_DOT_CHUNK 64

template <int COLUMNS, int CLASSES>
__device__ __forceinline__ void fused_tiled(const float *__restrict__ x, const float *__restrict__ y,
                                            const float *__restrict__ sample_weight, int has_weights,
                                            const float *__restrict__ mean, const float *__restrict__ inv_scale,
                                            const float *__restrict__ params, int rows, int d, int k, int loss_kind,
                                            int tile_rows, const descent_step_args *__restrict__ args,
                                            float *__restrict__ partial, float *__restrict__ partial_loss) {
    extern __shared__ float tile[];
    __shared__ float warp_sums[TILED_THREADS / 32];
    float *z = tile + (size_t) tile_rows * d;
    float *weight = z + tile_rows * k;
    int *row_index = (int *) (weight + tile_rows);
    const int t = threadIdx.x;
    int first;
    int last;
    descent_block_range(args->batch_size, 1, &first, &last);

    float gradient[CLASSES][COLUMNS];
    descent_zero(gradient);
    float intercept = 0.0f;
    float loss_sum = 0.0f;
    for (int base = first; base < last; base += tile_rows) {
        const int count = min(tile_rows, last - base);
        if (t < count) {
            const int i = descent_batch_row(args, rows, base + t);
            row_index[t] = i;
            weight[t] = has_weights ? sample_weight[i] : 1.0f;
        }
        __syncthreads();
        for (int r = 0; r < count; r++) {
            const float *row = x + (size_t) row_index[r] * d;
            for (int j = t; j < d; j += TILED_THREADS) {
                tile[(size_t) r * d + j] = (__ldg(row + j) - mean[j]) * inv_scale[j];
            }
        }
        __syncthreads();
        for (int p = t; p < count * k; p += TILED_THREADS) {
            const int r = p / k;
            const int c = p - r * k;
            const float *xr = tile + (size_t) r * d;
            const float *wc = params + (size_t) c * d;
            // chunks of TILED_DOT_CHUNK columns in four chains each, the chunks' sums added in order: a
            // quarter of the latency of d dependent FMAs, and rounding that grows with d / 64 + 16, not d
            // (one chain of 5,000 columns missed linear regression's sums by 2e-4 of their size)
            float total = 0.0f;
            for (int start = 0; start < d; start += TILED_DOT_CHUNK) {
                const int end = min(d, start + TILED_DOT_CHUNK);
                float dot[4] = {0.0f, 0.0f, 0.0f, 0.0f};
                int j = start;
                for (; j + 3 < end; j += 4) {
#pragma unroll
                    for (int u = 0; u < 4; u++) {
                        dot[u] += xr[j + u] * __ldg(wc + j + u);
                    }
                }
                for (; j < end; j++) {
                    dot[0] += xr[j] * __ldg(wc + j);
                }
                total += (dot[0] + dot[1]) + (dot[2] + dot[3]);
            }
            z[r * k + c] = total + params[k * d + c];
        }
        __syncthreads();
        if (t < count) {
            loss_sum += descent_weighted_row_loss(loss_kind, args->loss_parameter, z + t * k, k, y[row_index[t]], weight[t]);
        }
        __syncthreads();
        for (int r = 0; r < count; r++) {
            const float *xr = tile + (size_t) r * d;
            const float *rr = z + r * k;
#pragma unroll
            for (int q = 0; q < COLUMNS; q++) {
                const int j = t + q * TILED_THREADS;
                const float value = j < d ? xr[j] : 0.0f;
#pragma unroll
                for (int c = 0; c < CLASSES; c++) {
                    gradient[c][q] += (c < k ? rr[c] : 0.0f) * value;
                }
            }
            intercept += t < k ? rr[t] : 0.0f;
        }
        __syncthreads();
    }
    float *out = partial + (size_t) blockIdx.x * (k * d + k);
#pragma unroll
    for (int c = 0; c < CLASSES; c++) {
#pragma unroll
        for (int q = 0; q < COLUMNS; q++) {
            const int j = t + q * TILED_THREADS;
            if (c < k && j < d) {
                out[(size_t) c * d + j] = gradient[c][q];
            }
        }
    }
    if (t < k) {
        out[k * d + t] = intercept;
    }
    const float total = descent_block_sum(loss_sum, warp_sums, TILED_THREADS);
    if (t == 0) {
        partial_loss[blockIdx.x] = total;
    }
}

/* One entry point per register width: C columns per thread, 64 / C classes, so 64 accumulators a thread. */
#define DESCENT_FUSED_TILED(COLUMNS)                                                                                   \
    extern "C" __global__ void __launch_bounds__(TILED_THREADS) fused_tiled_##COLUMNS(                                 \
            const float *__restrict__ x, const float *__restrict__ y, const float *__restrict__ sample_weight,         \
            int has_weights, const float *__restrict__ mean, const float *__restrict__ inv_scale,                      \
            const float *__restrict__ params, int rows, int d, int k, int loss_kind, int tile_rows,                   \
            const descent_step_args *__restrict__ args, float *__restrict__ partial, float *__restrict__ partial_loss) { \
        fused_tiled<COLUMNS, TILED_ACCUMULATORS / COLUMNS>(x, y, sample_weight, has_weights, mean, inv_scale, params,  \
                                                           rows, d, k, loss_kind, tile_rows, args, partial,            \
                                                           partial_loss);                                              \
    }
DESCENT_FUSED_TILED(1)
DESCENT_FUSED_TILED(2)
DESCENT_FUSED_TILED(4)
DESCENT_FUSED_TILED(8)
DESCENT_FUSED_TILED(16)
DESCENT_FUSED_TILED(32)

/*
 * fused_wide: descent_fused_block (fused_step.h, shared with fused_step.cl) for any k and d, with the
 * block's share of the batch taken from args. Dynamic shared memory: SUB * LOCAL dots, then SUB * k
 * residuals.
 */
extern "C" __global__ void __launch_bounds__(LOCAL)
fused_wide(const float *__restrict__ x, const float *__restrict__ y, const float *__restrict__ sample_weight,
           int has_weights, const float *__restrict__ mean, const float *__restrict__ inv_scale,
           const float *__restrict__ params, int rows, int d, int k, int loss_kind,
           const descent_step_args *__restrict__ args, float *__restrict__ partial, float *__restrict__ partial_loss) {
    extern __shared__ float shared[];
    __shared__ int row_index[SUB];
    __shared__ float weight[SUB];
    int first;
    int last;
    descent_block_range(args->batch_size, SUB, &first, &last);
    descent_fused_block(x, y, sample_weight, has_weights, mean, inv_scale, params, rows, d, k, loss_kind,
                        args->loss_parameter, args->shuffled,
                        args->key, args->batch_start, first, last, partial + (size_t) blockIdx.x * (k * d + k),
                        partial_loss + blockIdx.x, shared, shared + SUB * LOCAL, row_index, weight, threadIdx.x);
}
