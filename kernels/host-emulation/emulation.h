/*
 * emulation.h: enough of CUDA C++ to compile descent's kernels (the .cu files of kernels/) with g++ and run them on
 * the CPU, one CUDA thread per fiber, for the checks in check_kernels.cpp and the stand-in driver
 * (standin_driver.cpp). Included before the kernel source (g++ -include emulation.h); build.sh first
 * rewrites each `__shared__` declaration of the source into DESCENT_EMU_SHARED (see there).
 *
 * A block runs its threads as fibers on one OS thread, one after another in a chosen order; a fiber
 * gives way only at __syncthreads and at a warp shuffle, and the scheduler (fibers.cpp) releases them
 * when every live thread of the block (barrier) or all 32 lanes of the warp (shuffle) have arrived at
 * the same call site. Anything else is an error of the kernel: a shuffle some lanes do not reach, a
 * partial mask, a barrier some threads skip or exit before, two barriers at once. Blocks run one after
 * another, in a chosen order. Shared memory, static and dynamic, is filled with 0xFF bytes (NaN as a
 * float, -1 as an int) before every block, so a read of what the block did not write shows.
 *
 * What it cannot show: speed, occupancy, the hardware's own interleaving of warps (a race shows only
 * as a difference between the orders the checks run), and the real driver's rules.
 */
#ifndef DESCENT_EMULATION_H
#define DESCENT_EMULATION_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <functional>
#include <string>

struct dim3 {
    unsigned x = 1;
    unsigned y = 1;
    unsigned z = 1;
};

namespace descent_emu {

enum ShuffleKind { SHUFFLE_DIRECT, SHUFFLE_XOR };

/* The index of the CUDA thread running now (its fiber's). */
const dim3 &thread_index();
extern dim3 block_index;
extern dim3 block_dim;
extern dim3 grid_dim;

void barrier(const char *file, int line);
uint64_t shuffle_bits(const char *file, int line, ShuffleKind kind, unsigned mask, uint64_t bits, int lane);
/* The launch's dynamic shared memory (extern __shared__), exactly as many bytes as the launch asked for. */
void *dynamic_shared();
/* Remembers a static __shared__ array, filled before every block; fills it now, before its first use. */
bool register_shared(void *address, size_t bytes);

template <typename T>
T shuffle(const char *file, int line, ShuffleKind kind, unsigned mask, T value, int lane) {
    static_assert(sizeof(T) <= sizeof(uint64_t), "a shuffle moves at most 8 bytes");
    uint64_t bits = 0;
    memcpy(&bits, &value, sizeof(T));
    bits = shuffle_bits(file, line, kind, mask, bits, lane);
    T result;
    memcpy(&result, &bits, sizeof(T));
    return result;
}

/* The order of a run: blocks forward or backward; threads forward, backward, or even ones first. */
struct Order {
    bool reverse_blocks = false;
    int threads = 0;
};
constexpr int THREAD_ORDERS = 3;

/*
 * Runs body() as every thread of every block of the grid, in the given order. Returns an empty string,
 * or what the kernel did wrong (the first error ends the launch).
 */
std::string run(dim3 grid, dim3 block, size_t dynamic_shared_bytes, Order order, const std::function<void()> &body);

}  // namespace descent_emu

#define threadIdx (descent_emu::thread_index())
#define blockIdx (descent_emu::block_index)
#define blockDim (descent_emu::block_dim)
#define gridDim (descent_emu::grid_dim)
#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __syncthreads() descent_emu::barrier(__FILE__, __LINE__)
#define __shfl_sync(mask, value, lane) \
    descent_emu::shuffle(__FILE__, __LINE__, descent_emu::SHUFFLE_DIRECT, mask, value, lane)
#define __shfl_xor_sync(mask, value, lane_mask) \
    descent_emu::shuffle(__FILE__, __LINE__, descent_emu::SHUFFLE_XOR, mask, value, lane_mask)
/* build.sh's rewrite of `__shared__ type name[..];` and of `extern __shared__ type name[];`. */
#define DESCENT_EMU_SHARED(type, name, dimensions) \
    static type name dimensions;                   \
    [[maybe_unused]] static const bool name##_registered = descent_emu::register_shared(name, sizeof(name))
#define DESCENT_EMU_DYNAMIC_SHARED(type, name) type *name = static_cast<type *>(descent_emu::dynamic_shared())

template <typename T>
inline T __ldg(const T *address) {
    return *address;
}
struct alignas(16) float4 {
    float x;
    float y;
    float z;
    float w;
};
inline float4 make_float4(float x, float y, float z, float w) {
    return float4{x, y, z, w};
}
inline int min(int a, int b) {
    return a < b ? a : b;
}
inline int max(int a, int b) {
    return a > b ? a : b;
}

#endif
