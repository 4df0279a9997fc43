/*
 * fibers.cpp: the scheduler behind emulation.h. Each CUDA thread of a block is a fiber with its own
 * stack; a fiber runs until it reaches a barrier or a shuffle, or returns, and then switches back to
 * the scheduler, which releases a warp's shuffle once all 32 lanes wait at it and the block's barrier
 * once every thread does. A context switch saves the callee-saved registers and the stack pointer
 * (x86-64 System V): glibc's swapcontext makes a system call per switch, and a pass of the emulated
 * kernels switches millions of times.
 */
#include "emulation.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <algorithm>
#include <vector>

#if !defined(__x86_64__)
#error "the fiber switch is written for x86-64; build.sh skips the emulation elsewhere"
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define DESCENT_EMU_ASAN 1
#endif

/* Saves rbp, rbx, r12-r15, MXCSR and the x87 control word on the current stack, stores the stack
 * pointer in *from, and resumes the stack `to` (made by this function or by fiber_stack below). */
extern "C" void descent_emu_switch(void **from, void *to);
asm(R"(
    .text
    .globl descent_emu_switch
    .hidden descent_emu_switch
    .type descent_emu_switch, @function
descent_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size descent_emu_switch, .-descent_emu_switch
)");

namespace descent_emu {

dim3 block_index;
dim3 block_dim;
dim3 grid_dim;

namespace {

enum State { READY, AT_BARRIER, AT_SHUFFLE, DONE, FAILED };

struct Fiber {
    void *stack_pointer = nullptr;
    char *stack = nullptr;
    dim3 index;
    State state = READY;
    const char *file = nullptr;
    int line = 0;
    ShuffleKind kind = SHUFFLE_DIRECT;
    unsigned mask = 0;
    uint64_t bits = 0;
    int lane = 0;
    uint64_t result = 0;
#ifdef DESCENT_EMU_ASAN
    void *fake_stack = nullptr;
#endif
};

#ifdef DESCENT_EMU_ASAN
constexpr size_t STACK_BYTES = 512 * 1024;
#else
constexpr size_t STACK_BYTES = 128 * 1024;
#endif
constexpr int WARP = 32;
constexpr unsigned FULL_MASK = 0xffffffffu;

std::vector<Fiber> fibers;
std::vector<char *> stacks;
Fiber *current = nullptr;
void *scheduler_stack_pointer = nullptr;
const std::function<void()> *kernel_body = nullptr;
std::string failure;
unsigned char *dynamic_memory = nullptr;
size_t dynamic_bytes = 0;
struct SharedArray {
    void *address;
    size_t bytes;
};
std::vector<SharedArray> shared_arrays;
#ifdef DESCENT_EMU_ASAN
const void *scheduler_stack_bottom = nullptr;
size_t scheduler_stack_size = 0;
#endif

std::string where(const char *file, int line) {
    const char *slash = strrchr(file, '/');
    return std::string(slash == nullptr ? file : slash + 1) + ":" + std::to_string(line);
}

std::string thread_name(const Fiber &fiber) {
    return "thread (" + std::to_string(fiber.index.x) + "," + std::to_string(fiber.index.y) + "," +
           std::to_string(fiber.index.z) + ") of block (" + std::to_string(block_index.x) + "," +
           std::to_string(block_index.y) + "," + std::to_string(block_index.z) + ")";
}

/* From the running fiber back to the scheduler; returns when the scheduler resumes this fiber. */
void yield_to_scheduler(bool finished) {
    Fiber *self = current;
#ifdef DESCENT_EMU_ASAN
    __sanitizer_start_switch_fiber(finished ? nullptr : &self->fake_stack, scheduler_stack_bottom,
                                   scheduler_stack_size);
#else
    (void) finished;
#endif
    descent_emu_switch(&self->stack_pointer, scheduler_stack_pointer);
#ifdef DESCENT_EMU_ASAN
    __sanitizer_finish_switch_fiber(self->fake_stack, &scheduler_stack_bottom, &scheduler_stack_size);
#endif
}

void fiber_main() {
#ifdef DESCENT_EMU_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &scheduler_stack_bottom, &scheduler_stack_size);
#endif
    (*kernel_body)();
    current->state = DONE;
    yield_to_scheduler(true);
    abort();  // a finished fiber is never resumed
}

/* A fresh stack for fiber_main: the frame descent_emu_switch pops, with fiber_main as its return address. */
void *fiber_stack(char *stack) {
#ifdef DESCENT_EMU_ASAN
    __asan_unpoison_memory_region(stack, STACK_BYTES);
#endif
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + STACK_BYTES) & ~static_cast<uintptr_t>(15);
    uint64_t *frame = reinterpret_cast<uint64_t *>(top);
    *--frame = 0;  // fiber_main's own return address: never used; keeps rsp = 8 mod 16 at its entry
    *--frame = reinterpret_cast<uint64_t>(&fiber_main);
    for (int saved = 0; saved < 6; saved++) {
        *--frame = 0;
    }
    uint32_t control[2] = {0x1F80u, 0x037Fu};  // MXCSR and x87 control word at reset
    --frame;
    memcpy(frame, control, sizeof control);
    return frame;
}

void resume(Fiber &fiber) {
    current = &fiber;
#ifdef DESCENT_EMU_ASAN
    void *fake = nullptr;
    __sanitizer_start_switch_fiber(&fake, fiber.stack, STACK_BYTES);
#endif
    descent_emu_switch(&scheduler_stack_pointer, fiber.stack_pointer);
#ifdef DESCENT_EMU_ASAN
    __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
    current = nullptr;
}

void fail(const std::string &message) {
    if (failure.empty()) {
        failure = message;
    }
    current->state = FAILED;
    yield_to_scheduler(false);
    abort();  // a failed block is abandoned, never resumed
}

/* The order in which the scheduler visits the threads of a block. */
std::vector<int> thread_order(int count, int order) {
    std::vector<int> result(count);
    for (int t = 0; t < count; t++) {
        result[t] = t;
    }
    if (order == 1) {
        std::reverse(result.begin(), result.end());
    } else if (order == 2) {
        std::stable_partition(result.begin(), result.end(), [](int t) { return t % 2 == 0; });
    }
    return result;
}

/* Releases every warp whose 32 lanes all wait at one shuffle; an error for a warp only partly there. */
bool release_shuffles(int count) {
    bool released = false;
    for (int first = 0; first < count; first += WARP) {
        int waiting = 0;
        int lanes = std::min(WARP, count - first);
        for (int lane = 0; lane < lanes; lane++) {
            waiting += fibers[first + lane].state == AT_SHUFFLE;
        }
        if (waiting == 0) {
            continue;
        }
        const Fiber &leader = fibers[first];
        for (int lane = 0; lane < lanes; lane++) {
            const Fiber &fiber = fibers[first + lane];
            if (fiber.state == AT_SHUFFLE) {
                continue;
            }
            const Fiber &waiter = *std::find_if(fibers.begin() + first, fibers.begin() + first + lanes,
                                                [](const Fiber &f) { return f.state == AT_SHUFFLE; });
            failure = "warp " + std::to_string(first / WARP) + ": a shuffle at " + where(waiter.file, waiter.line) +
                      " waits for lane " + std::to_string(lane) + ", which " +
                      (fiber.state == DONE ? std::string("has exited")
                                           : "waits at the barrier at " + where(fiber.file, fiber.line)) +
                      " (" + thread_name(fiber) + ")";
            return false;
        }
        if (lanes < WARP) {
            failure = "a shuffle at " + where(leader.file, leader.line) + " in a warp of only " + std::to_string(lanes) +
                      " lanes";
            return false;
        }
        for (int lane = 0; lane < WARP; lane++) {
            const Fiber &fiber = fibers[first + lane];
            if (fiber.line != leader.line || strcmp(fiber.file, leader.file) != 0 || fiber.kind != leader.kind) {
                failure = "warp " + std::to_string(first / WARP) + ": lane 0 shuffles at " +
                          where(leader.file, leader.line) + " while lane " + std::to_string(lane) + " shuffles at " +
                          where(fiber.file, fiber.line);
                return false;
            }
            if (fiber.mask != FULL_MASK) {
                failure = "a shuffle at " + where(fiber.file, fiber.line) + " with the partial mask " +
                          std::to_string(fiber.mask) + " (every shuffle here takes the full warp)";
                return false;
            }
        }
        for (int lane = 0; lane < WARP; lane++) {
            Fiber &fiber = fibers[first + lane];
            int source = fiber.kind == SHUFFLE_DIRECT ? (fiber.lane & (WARP - 1)) : (lane ^ fiber.lane);
            if (fiber.kind == SHUFFLE_XOR && (fiber.lane < 0 || fiber.lane >= WARP)) {
                failure = "a xor shuffle at " + where(fiber.file, fiber.line) + " with lane mask " +
                          std::to_string(fiber.lane);
                return false;
            }
            fiber.result = fibers[first + source].bits;
        }
        for (int lane = 0; lane < WARP; lane++) {
            fibers[first + lane].state = READY;
        }
        released = true;
    }
    return released;
}

/* Releases the block's barrier when every thread waits at it; false with an error otherwise, or at the end. */
bool release_barrier(int count) {
    const Fiber *waiter = nullptr;
    const Fiber *exited = nullptr;
    for (int t = 0; t < count; t++) {
        if (fibers[t].state == AT_BARRIER && waiter == nullptr) {
            waiter = &fibers[t];
        }
        if (fibers[t].state == DONE && exited == nullptr) {
            exited = &fibers[t];
        }
    }
    if (waiter == nullptr) {
        return false;  // every thread has returned
    }
    if (exited != nullptr) {
        failure = "a barrier at " + where(waiter->file, waiter->line) + " that " + thread_name(*exited) +
                  " never reaches: it has exited";
        return false;
    }
    for (int t = 0; t < count; t++) {
        if (fibers[t].line != waiter->line || strcmp(fibers[t].file, waiter->file) != 0) {
            failure = "divergent barriers: " + thread_name(*waiter) + " waits at " + where(waiter->file, waiter->line) +
                      ", " + thread_name(fibers[t]) + " at " + where(fibers[t].file, fibers[t].line);
            return false;
        }
    }
    for (int t = 0; t < count; t++) {
        fibers[t].state = READY;
    }
    return true;
}

/* One block to its end; false with `failure` set when the kernel broke a rule. */
bool run_block(int count, const std::vector<int> &order) {
    for (const SharedArray &array : shared_arrays) {
        memset(array.address, 0xFF, array.bytes);
    }
    if (dynamic_bytes > 0) {
        memset(dynamic_memory, 0xFF, dynamic_bytes);
    }
    for (int t = 0; t < count; t++) {
        Fiber &fiber = fibers[t];
        fiber = Fiber();
        fiber.stack = stacks[t];
        fiber.stack_pointer = fiber_stack(fiber.stack);
        unsigned linear = static_cast<unsigned>(t);
        fiber.index.x = linear % block_dim.x;
        fiber.index.y = linear / block_dim.x % block_dim.y;
        fiber.index.z = linear / (block_dim.x * block_dim.y);
    }
    while (true) {
        for (int t : order) {
            if (fibers[t].state == READY) {
                resume(fibers[t]);
                if (fibers[t].state == FAILED) {
                    return false;
                }
            }
        }
        if (release_shuffles(count)) {
            continue;
        }
        if (!failure.empty()) {
            return false;
        }
        if (!release_barrier(count)) {
            return failure.empty();
        }
    }
}

}  // namespace

const dim3 &thread_index() {
    return current->index;
}

void barrier(const char *file, int line) {
    current->file = file;
    current->line = line;
    current->state = AT_BARRIER;
    yield_to_scheduler(false);
}

uint64_t shuffle_bits(const char *file, int line, ShuffleKind kind, unsigned mask, uint64_t bits, int lane) {
    Fiber *self = current;
    self->file = file;
    self->line = line;
    self->kind = kind;
    self->mask = mask;
    self->bits = bits;
    self->lane = lane;
    self->state = AT_SHUFFLE;
    yield_to_scheduler(false);
    return self->result;
}

void *dynamic_shared() {
    if (dynamic_bytes == 0) {
        fail("extern __shared__ memory used by a launch that asked for 0 bytes of it (" + thread_name(*current) + ")");
    }
    return dynamic_memory;
}

bool register_shared(void *address, size_t bytes) {
    shared_arrays.push_back({address, bytes});
    memset(address, 0xFF, bytes);
    return true;
}

std::string run(dim3 grid, dim3 block, size_t dynamic_shared_bytes, Order order, const std::function<void()> &body) {
    const unsigned long long threads = 1ull * block.x * block.y * block.z;
    if (threads == 0 || threads > 1024 || grid.x == 0 || grid.y == 0 || grid.z == 0) {
        return "a launch of grid (" + std::to_string(grid.x) + "," + std::to_string(grid.y) + "," +
               std::to_string(grid.z) + ") and block (" + std::to_string(block.x) + "," + std::to_string(block.y) + "," +
               std::to_string(block.z) + "): a block has 1 to 1,024 threads and every grid dimension at least 1";
    }
    const int count = static_cast<int>(threads);
    while (static_cast<int>(stacks.size()) < count) {
        void *stack = mmap(nullptr, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED) {
            return "no memory for a fiber's stack";
        }
        stacks.push_back(static_cast<char *>(stack));
    }
    fibers.assign(count, Fiber());
    failure.clear();
    kernel_body = &body;
    // exactly the bytes asked for, in a buffer of its own, so a sanitizer sees a read past them
    dynamic_bytes = dynamic_shared_bytes;
    std::vector<unsigned char> dynamic(dynamic_shared_bytes);
    dynamic_memory = dynamic.data();
    block_dim = block;
    grid_dim = grid;
    const std::vector<int> threads_in_order = thread_order(count, order.threads);
    const unsigned long long blocks = 1ull * grid.x * grid.y * grid.z;
    for (unsigned long long visited = 0; visited < blocks; visited++) {
        unsigned long long b = order.reverse_blocks ? blocks - 1 - visited : visited;
        block_index.x = static_cast<unsigned>(b % grid.x);
        block_index.y = static_cast<unsigned>(b / grid.x % grid.y);
        block_index.z = static_cast<unsigned>(b / (1ull * grid.x * grid.y));
        if (!run_block(count, threads_in_order)) {
            std::string message = "block (" + std::to_string(block_index.x) + "," + std::to_string(block_index.y) + "," +
                                  std::to_string(block_index.z) + "): " + failure;
            failure.clear();
            kernel_body = nullptr;
            dynamic_memory = nullptr;
            dynamic_bytes = 0;
            return message;
        }
    }
    kernel_body = nullptr;
    dynamic_memory = nullptr;
    dynamic_bytes = 0;
    return "";
}

}  // namespace descent_emu
