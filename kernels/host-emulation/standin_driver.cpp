/*
 * standin_driver.cpp: a stand-in for the CUDA driver (libcuda.so.1) that runs the JCuda host code of
 * the cuda backend against the kernels compiled as host code (emulation.h), so that CudaBackendTest
 * runs on any x86-64 machine. JCuda's native library binds each cu* symbol at its first call, so only
 * the entry points the backend calls are here, under the names JCuda 12.6 links (cuMemAlloc_v2, ...).
 *
 * What it models, and checks as the real driver would:
 *   - one device (compute 9.0, four multiprocessors, so grids stay small), contexts, and a current
 *     context per thread: memory calls without one fail with CUDA_ERROR_INVALID_CONTEXT;
 *   - device memory as host memory, each allocation ending at a guard page, filled with 0xFF bytes (NaN)
 *     at allocation; copies and memsets must stay inside one allocation;
 *   - modules from PTX text or from a fatbin's PTX: each .entry must be a compiled kernel whose parameter sizes equal the
 *     PTX's .param list, and a launch may not exceed the entry's .maxntid or the dynamic shared memory
 *     its attributes allow;
 *   - streams run their work in order at once (there is no concurrency to model); events are host
 *     timestamps; graphs record launches, copies and memsets during stream capture and replay them;
 *   - capture rules: while a thread has a capture open, a synchronous copy, memset, allocation or free,
 *     or a stream synchronize, fails with CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED and invalidates the
 *     capture, so cuStreamEndCapture returns CUDA_ERROR_STREAM_CAPTURE_INVALIDATED and no graph.
 * DESCENT_STANDIN_FAULTS names a file through which a test injects a failure (take_injected_fault).
 * Every launch also runs in a second order (blocks and threads backward, DESCENT_STANDIN_ORDERS=1..6
 * sets how many) from the same memory, and must leave the same bits; a kernel that breaks a rule of
 * emulation.h, or differs between orders, fails its launch with CUDA_ERROR_LAUNCH_FAILED and a line
 * on standard error that says why.
 *
 * Not modelled: speed, concurrency between streams, the real driver's PTX compiler and its limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <sstream>
#include <string>
#include <vector>

#include "registry.h"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

namespace {

enum : int {
    SUCCESS = 0,
    ERROR_INVALID_VALUE = 1,
    ERROR_OUT_OF_MEMORY = 2,
    ERROR_NOT_INITIALIZED = 3,
    ERROR_INVALID_IMAGE = 200,
    ERROR_INVALID_CONTEXT = 201,
    ERROR_INVALID_PTX = 218,
    ERROR_INVALID_HANDLE = 400,
    ERROR_NOT_FOUND = 500,
    ERROR_NOT_READY = 600,
    ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    ERROR_LAUNCH_FAILED = 719,
    ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
    ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    ERROR_STREAM_CAPTURE_WRONG_THREAD = 908,
};

/* cuDeviceGetAttribute's codes the backend asks for. */
enum : int {
    ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
    ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
    ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    ATTRIBUTE_WARP_SIZE = 10,
    ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
};
constexpr int FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr unsigned STREAM_NON_BLOCKING = 1;
constexpr int CAPTURE_MODE_GLOBAL = 0;
constexpr int CAPTURE_MODE_THREAD_LOCAL = 1;

constexpr const char *DEVICE_NAME = "descent stand-in driver (CUDA kernels as host code)";
constexpr int DRIVER_VERSION = 13000;
constexpr int MULTIPROCESSORS = 4;
constexpr int THREADS_PER_MULTIPROCESSOR = 2048;
constexpr int MAX_BLOCKS_PER_MULTIPROCESSOR = 32;
constexpr size_t DEFAULT_DYNAMIC_SHARED = 48 * 1024;
constexpr size_t MAX_SHARED_OPTIN = 232448;  // an H100's 227 KiB
constexpr size_t SHARED_PER_MULTIPROCESSOR = 233472;
constexpr size_t TOTAL_MEMORY = 8ull << 30;
constexpr size_t ALLOCATION_ALIGNMENT = 256;
constexpr uint32_t FATBIN_MAGIC = 0xBA55ED50u;

struct Context;

struct Allocation {
    char *mapping;
    size_t mapping_bytes;
    size_t bytes;
    Context *context;
};

struct Function {
    const descent_emu::Kernel *kernel;
    std::string name;
    std::vector<size_t> parameter_sizes;  // from the PTX
    int max_threads;                      // .maxntid, or 1024
    size_t max_dynamic_shared = DEFAULT_DYNAMIC_SHARED;
};

struct Module {
    Context *context;
    std::map<std::string, std::unique_ptr<Function>> functions;
};

/* One recorded operation of a graph. */
struct Event;

struct Node {
    enum Kind { LAUNCH, COPY, MEMSET, EVENT } kind = LAUNCH;
    Function *function = nullptr;
    dim3 grid, block;
    size_t shared_bytes = 0;
    std::vector<unsigned char> parameters;
    void *destination = nullptr;
    const void *source = nullptr;
    size_t bytes = 0;
    unsigned value = 0;
    /* a pageable source, copied when the copy was asked for (the driver stages it before returning) */
    std::vector<unsigned char> staged;
    Event *event = nullptr;
};

struct Graph {
    std::vector<Node> nodes;
};

/*
 * Work is queued per stream and runs when something waits for it, so that a missing wait shows as
 * stale data, as it would on a GPU: a stream synchronize, an event synchronize, a free, or a
 * synchronous call on the legacy stream, which waits for the blocking streams (not the non-blocking).
 */
struct Stream {
    Context *context;
    bool blocking = true;
    std::deque<Node> pending;
    bool capturing = false;
    bool capture_invalidated = false;
    int capture_mode = CAPTURE_MODE_GLOBAL;
    std::thread::id capture_thread;
    std::unique_ptr<Graph> capture;
};

struct Event {
    std::chrono::steady_clock::time_point time;
    bool recorded = false;  // reached: its stream ran up to it
    Stream *stream = nullptr;
};

struct Context {
    bool primary = false;
    int retains = 0;
};

std::recursive_mutex lock;
bool initialized = false;
thread_local Context *current_context = nullptr;
std::set<Context *> contexts;
Context *primary_context = nullptr;
std::map<CUdeviceptr, Allocation> allocations;  // by start address
std::map<const char *, size_t> pinned;  // page-locked host memory, by start address
Stream legacy_stream;
std::set<Module *> modules;
std::set<Stream *> streams;
std::set<Event *> events;
std::set<Graph *> graphs;
std::set<Graph *> executables;
size_t allocated_bytes = 0;

void complain(const std::string &message) {
    fprintf(stderr, "descent stand-in driver: %s\n", message.c_str());
    fflush(stderr);
}

int orders() {
    const char *text = getenv("DESCENT_STANDIN_ORDERS");
    int count = text == nullptr ? 2 : atoi(text);
    return count < 1 ? 1 : (count > 2 * descent_emu::THREAD_ORDERS ? 2 * descent_emu::THREAD_ORDERS : count);
}

/* A capture open on a stream that a synchronous call from this thread would break. */
Stream *capture_in_the_way() {
    for (Stream *stream : streams) {
        if (stream->capturing && (stream->capture_mode == CAPTURE_MODE_GLOBAL ||
                                  stream->capture_thread == std::this_thread::get_id())) {
            return stream;
        }
    }
    return nullptr;
}

/* Fails a call that may not run during a capture, and invalidates the capture, as the driver does. */
CUresult refuse_during_capture(const char *call) {
    Stream *stream = capture_in_the_way();
    if (stream == nullptr) {
        return SUCCESS;
    }
    stream->capture_invalidated = true;
    complain(std::string(call) + " during a stream capture: not allowed (the capture is now invalid)");
    return ERROR_STREAM_CAPTURE_UNSUPPORTED;
}

CUresult need_context() {
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    return current_context != nullptr && contexts.count(current_context) ? SUCCESS : ERROR_INVALID_CONTEXT;
}

/* What a synchronous call needs: a current context, and no capture it would break. */
CUresult need_context_outside_capture(const char *call) {
    CUresult status = need_context();
    return status != SUCCESS ? status : refuse_during_capture(call);
}

/* Unmaps an allocation and takes its bytes off the count; the caller erases it from `allocations`. */
void unmap(const Allocation &allocation) {
    allocated_bytes -= allocation.bytes;
    munmap(allocation.mapping, allocation.mapping_bytes);
}

/* The allocation holding [address, address + bytes), or null. */
const Allocation *inside(const void *address, size_t bytes) {
    CUdeviceptr start = reinterpret_cast<CUdeviceptr>(address);
    auto after = allocations.upper_bound(start);
    if (after == allocations.begin()) {
        return nullptr;
    }
    --after;
    return start + bytes <= after->first + after->second.bytes ? &after->second : nullptr;
}

CUresult check_range(const char *call, const void *address, size_t bytes) {
    if (inside(address, bytes) != nullptr) {
        return SUCCESS;
    }
    std::ostringstream message;
    message << call << ": " << bytes << " bytes at " << address << " are not inside one device allocation";
    complain(message.str());
    return ERROR_INVALID_VALUE;
}

/* Runs one launch in the configured orders; every allocation must come out the same in each. */
CUresult execute_launch(const Node &node) {
    std::vector<void *> arguments;
    size_t offset = 0;
    for (size_t size : node.function->parameter_sizes) {
        arguments.push_back(const_cast<unsigned char *>(node.parameters.data()) + offset);
        offset += size;
    }
    const int count = orders();
    std::vector<std::vector<char>> before;
    std::vector<std::vector<char>> first;
    if (count > 1) {
        for (const auto &entry : allocations) {
            const char *start = reinterpret_cast<const char *>(entry.first);
            before.emplace_back(start, start + entry.second.bytes);
        }
    }
    for (int order = 0; order < count; order++) {
        descent_emu::Order how;
        how.reverse_blocks = order % 2 == 1;
        how.threads = (order + 1) / 2 % descent_emu::THREAD_ORDERS;
        if (order > 0) {
            size_t i = 0;
            for (const auto &entry : allocations) {
                memcpy(reinterpret_cast<char *>(entry.first), before[i++].data(), entry.second.bytes);
            }
        }
        const descent_emu::Kernel *kernel = node.function->kernel;
        std::string error = descent_emu::run(node.grid, node.block, node.shared_bytes, how,
                                             [&] { kernel->invoke(arguments.data()); });
        if (!error.empty()) {
            complain(node.function->name + ": " + error);
            return ERROR_LAUNCH_FAILED;
        }
        if (count == 1) {
            break;
        }
        size_t i = 0;
        for (const auto &entry : allocations) {
            const char *start = reinterpret_cast<const char *>(entry.first);
            if (order == 0) {
                first.emplace_back(start, start + entry.second.bytes);
            } else if (memcmp(first[i].data(), start, entry.second.bytes) != 0) {
                size_t at = 0;
                while (first[i][at] == start[at]) {
                    at++;
                }
                float before_value;
                float after_value;
                at -= at % 4;
                memcpy(&before_value, first[i].data() + at, 4);
                memcpy(&after_value, start + at, 4);
                complain(node.function->name + ": the launch leaves different bits when blocks run " +
                         (how.reverse_blocks ? "backward" : "forward") + " and threads in order " +
                         std::to_string(how.threads) + ": float " + std::to_string(at / 4) + " of an allocation of " +
                         std::to_string(entry.second.bytes) + " bytes is " + std::to_string(after_value) + ", not " +
                         std::to_string(before_value) + " (a race, or an order-dependent sum)");
                return ERROR_LAUNCH_FAILED;
            }
            i++;
        }
    }
    return SUCCESS;
}

CUresult execute(const Node &node) {
    switch (node.kind) {
        case Node::LAUNCH:
            return execute_launch(node);
        case Node::COPY:
            memmove(node.destination, node.staged.empty() ? node.source : node.staged.data(), node.bytes);
            return SUCCESS;
        case Node::EVENT:
            node.event->time = std::chrono::steady_clock::now();
            node.event->recorded = true;
            return SUCCESS;
        case Node::MEMSET: {
            unsigned *words = static_cast<unsigned *>(node.destination);
            for (size_t i = 0; i < node.bytes / 4; i++) {
                words[i] = node.value;
            }
            return SUCCESS;
        }
    }
    return ERROR_INVALID_VALUE;
}

Node memset_node(CUdeviceptr destination, unsigned value, size_t count) {
    Node node;
    node.kind = Node::MEMSET;
    node.destination = reinterpret_cast<void *>(destination);
    node.bytes = 4 * count;
    node.value = value;
    return node;
}

/* The stream a handle names: null (and CU_STREAM_LEGACY, CU_STREAM_PER_THREAD) is the legacy stream. */
Stream *resolve(Stream *stream) {
    uintptr_t handle = reinterpret_cast<uintptr_t>(stream);
    return handle <= 2 ? &legacy_stream : stream;
}

bool known(Stream *stream) {
    return stream == &legacy_stream || streams.count(stream) > 0;
}

/* Runs a stream's queued work in order; the first error drops the rest and is returned. */
CUresult run_pending(Stream *stream) {
    while (!stream->pending.empty()) {
        Node node = std::move(stream->pending.front());
        stream->pending.pop_front();
        CUresult status = execute(node);
        if (status != SUCCESS) {
            stream->pending.clear();
            return status;
        }
    }
    return SUCCESS;
}

/* What the legacy stream waits for: the queued work of every blocking stream. */
CUresult run_blocking_streams() {
    for (Stream *stream : streams) {
        if (stream->blocking) {
            CUresult status = run_pending(stream);
            if (status != SUCCESS) {
                return status;
            }
        }
    }
    return SUCCESS;
}

CUresult run_every_stream() {
    for (Stream *stream : streams) {
        CUresult status = run_pending(stream);
        if (status != SUCCESS) {
            return status;
        }
    }
    return SUCCESS;
}

/* Work on a stream: recorded while it captures; on the legacy stream run now, after the blocking streams; else queued. */
CUresult submit(Stream *handle, Node node) {
    Stream *stream = resolve(handle);
    if (!known(stream)) {
        return ERROR_INVALID_HANDLE;
    }
    if (stream->capturing) {
        if (stream->capture_mode == CAPTURE_MODE_THREAD_LOCAL && stream->capture_thread != std::this_thread::get_id()) {
            return ERROR_STREAM_CAPTURE_WRONG_THREAD;
        }
        stream->capture->nodes.push_back(std::move(node));
        return SUCCESS;
    }
    if (stream == &legacy_stream) {
        CUresult status = run_blocking_streams();
        return status != SUCCESS ? status : execute(node);
    }
    stream->pending.push_back(std::move(node));
    return SUCCESS;
}

/* Whether [address, address + bytes) is page-locked host memory from cuMemAllocHost. */
bool is_pinned(const void *address, size_t bytes) {
    const char *start = static_cast<const char *>(address);
    auto after = pinned.upper_bound(start);
    if (after == pinned.begin()) {
        return false;
    }
    --after;
    return start + bytes <= after->first + after->second;
}

/*
 * The PTX text of a module image: the image itself, or the PTX inside a fatbin (build-ptx.sh writes
 * them uncompressed, each PTX a NUL-terminated text starting ".version"). Machine code is not run here.
 */
std::string ptx_of(const void *image) {
    const unsigned char *bytes = static_cast<const unsigned char *>(image);
    const uint32_t magic = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | static_cast<uint32_t>(bytes[3]) << 24;
    if (magic != FATBIN_MAGIC) {
        return static_cast<const char *>(image);
    }
    // the fatbin header: magic, version (2 bytes), header size (2), then the size of what follows (8)
    uint16_t header_bytes;
    uint64_t body_bytes;
    memcpy(&header_bytes, bytes + 6, 2);
    memcpy(&body_bytes, bytes + 8, 8);
    const char *start = reinterpret_cast<const char *>(bytes);
    const char *end = start + header_bytes + body_bytes;
    static const char version[] = ".version ";
    const char *found = std::search(start, end, version, version + sizeof version - 1);
    if (found == end) {
        return "";
    }
    return std::string(found, strnlen(found, static_cast<size_t>(end - found)));
}

/* The .entry list of a PTX text: each entry's parameter sizes and .maxntid. */
bool parse_ptx(const std::string &ptx, std::map<std::string, std::pair<std::vector<size_t>, int>> &entries,
               std::string &problem) {
    std::istringstream lines(ptx);
    std::string line;
    std::string entry;
    bool in_parameters = false;
    while (std::getline(lines, line)) {
        size_t at = line.find(".entry ");
        if (at != std::string::npos) {
            size_t open = line.find('(', at);
            entry = line.substr(at + 7, open == std::string::npos ? std::string::npos : open - at - 7);
            entries[entry] = {{}, 1024};
            in_parameters = open != std::string::npos;
            continue;
        }
        if (in_parameters) {
            if (line.find(')') != std::string::npos && line.find(".param") == std::string::npos) {
                in_parameters = false;
                continue;
            }
            size_t param = line.find(".param ");
            if (param == std::string::npos) {
                continue;
            }
            size_t size = 0;
            size_t array = line.find('[');
            if (array != std::string::npos) {
                size = strtoul(line.c_str() + array + 1, nullptr, 10);
            } else if (line.find("64") != std::string::npos) {
                size = 8;
            } else if (line.find("32") != std::string::npos) {
                size = 4;
            } else if (line.find("16") != std::string::npos) {
                size = 2;
            } else {
                size = 1;
            }
            entries[entry].first.push_back(size);
            continue;
        }
        size_t bound = line.find(".maxntid ");
        if (bound != std::string::npos && !entry.empty()) {
            int x = 1, y = 1, z = 1;
            sscanf(line.c_str() + bound + 9, "%d, %d, %d", &x, &y, &z);
            entries[entry].second = x * y * z;
        }
    }
    if (entries.empty()) {
        problem = "the image has no .entry: not PTX text";
        return false;
    }
    return true;
}

/*
 * A copy, synchronous (on the legacy stream, refused during a capture) or on a stream. As the driver
 * does: a pageable source is staged when the copy is asked for; a copy to pageable memory returns once
 * done, so it runs its stream's earlier work first; page-locked memory is read or written when the
 * copy runs.
 */
CUresult copy(const char *call, bool synchronous, bool to_device, void *destination, bool from_device, const void *source,
              size_t bytes, Stream *handle) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = synchronous ? need_context_outside_capture(call) : need_context();
    if (status == SUCCESS && to_device) {
        status = check_range(call, destination, bytes);
    }
    if (status == SUCCESS && from_device) {
        status = check_range(call, source, bytes);
    }
    if (status != SUCCESS) {
        return status;
    }
    Stream *stream = resolve(handle);
    if (!known(stream)) {
        return ERROR_INVALID_HANDLE;
    }
    Node node;
    node.kind = Node::COPY;
    node.destination = destination;
    node.source = source;
    node.bytes = bytes;
    const bool pageable_source = !from_device && !is_pinned(source, bytes);
    const bool pageable_destination = !to_device && !is_pinned(destination, bytes);
    if ((pageable_source || pageable_destination) && stream->capturing) {
        stream->capture_invalidated = true;
        complain(std::string(call) + " of pageable host memory during a stream capture (the capture is now invalid)");
        return ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (pageable_source) {
        const unsigned char *bytes_in = static_cast<const unsigned char *>(source);
        node.staged.assign(bytes_in, bytes_in + bytes);
    }
    if (pageable_destination && stream != &legacy_stream) {
        status = run_pending(stream);
        if (status != SUCCESS) {
            return status;
        }
        return execute(node);
    }
    return submit(stream, std::move(node));
}

/*
 * Fault injection for the tests of error paths: when DESCENT_STANDIN_FAULTS names a file holding
 * `fault`, the file is removed and the call that asked fails once.
 */
bool take_injected_fault(const char *fault) {
    const char *path = getenv("DESCENT_STANDIN_FAULTS");
    if (path == nullptr) {
        return false;
    }
    FILE *file = fopen(path, "r");
    if (file == nullptr) {
        return false;
    }
    char text[64] = {0};
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == ' ')) {
        text[--length] = 0;
    }
    if (strcmp(text, fault) != 0) {
        return false;
    }
    remove(path);
    return true;
}

/* Deletes the handles of `owned` that belong to the context. */
template <typename T>
void delete_owned_by(std::set<T *> &owned, Context *context) {
    for (auto it = owned.begin(); it != owned.end();) {
        if ((*it)->context == context) {
            delete *it;
            it = owned.erase(it);
        } else {
            ++it;
        }
    }
}

/* Destroys a handle the driver made, as cu*Destroy does: one it does not know is `invalid`. */
template <typename T>
CUresult destroy(std::set<T *> &owned, T *handle, CUresult invalid) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (handle == nullptr || !owned.erase(handle)) {
        return invalid;
    }
    delete handle;
    return SUCCESS;
}

}  // namespace

extern "C" {

CUresult cuInit(unsigned flags) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (flags != 0) {
        return ERROR_INVALID_VALUE;
    }
    initialized = true;
    return SUCCESS;
}

CUresult cuDriverGetVersion(int *version) {
    if (version == nullptr) {
        return ERROR_INVALID_VALUE;
    }
    *version = DRIVER_VERSION;
    return SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    *count = 1;
    return SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    if (ordinal != 0) {
        return ERROR_INVALID_VALUE;
    }
    *device = 0;
    return SUCCESS;
}

CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
    if (device != 0 || length <= 0) {
        return ERROR_INVALID_VALUE;
    }
    snprintf(name, static_cast<size_t>(length), "%s", DEVICE_NAME);
    return SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice device) {
    if (device != 0) {
        return ERROR_INVALID_VALUE;
    }
    *bytes = TOTAL_MEMORY;
    return SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
    if (device != 0) {
        return ERROR_INVALID_VALUE;
    }
    switch (attribute) {
        case ATTRIBUTE_MULTIPROCESSOR_COUNT: *value = MULTIPROCESSORS; return SUCCESS;
        case ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = 9; return SUCCESS;
        case ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = 0; return SUCCESS;
        case ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: *value = static_cast<int>(MAX_SHARED_OPTIN); return SUCCESS;
        case ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: *value = static_cast<int>(DEFAULT_DYNAMIC_SHARED); return SUCCESS;
        case ATTRIBUTE_MAX_THREADS_PER_BLOCK: *value = 1024; return SUCCESS;
        case ATTRIBUTE_WARP_SIZE: *value = 32; return SUCCESS;
        default:
            complain("cuDeviceGetAttribute: attribute " + std::to_string(attribute) + " is not modelled");
            return ERROR_INVALID_VALUE;
    }
}

CUresult cuCtxCreate_v2(Context **context, unsigned flags, CUdevice device) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    if (device != 0) {
        return ERROR_INVALID_VALUE;
    }
    Context *made = new Context();
    contexts.insert(made);
    current_context = made;
    *context = made;
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(Context **context, CUdevice device) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    if (device != 0) {
        return ERROR_INVALID_VALUE;
    }
    if (primary_context == nullptr) {
        primary_context = new Context();
        primary_context->primary = true;
        contexts.insert(primary_context);
    }
    primary_context->retains++;
    *context = primary_context;
    return SUCCESS;
}

/* Frees what a context still holds, as destroying (or finally releasing) it does on the real driver. */
void release_context(Context *context) {
    for (Stream *stream : streams) {
        if (stream->context == context) {
            run_pending(stream);
        }
    }
    for (auto it = allocations.begin(); it != allocations.end();) {
        if (it->second.context == context) {
            unmap(it->second);
            it = allocations.erase(it);
        } else {
            ++it;
        }
    }
    delete_owned_by(modules, context);
    delete_owned_by(streams, context);
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (device != 0 || primary_context == nullptr || primary_context->retains == 0) {
        return ERROR_INVALID_VALUE;
    }
    if (--primary_context->retains == 0) {
        release_context(primary_context);
    }
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxGetState(CUdevice device, unsigned *flags, int *active) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!initialized) {
        return ERROR_NOT_INITIALIZED;
    }
    if (device != 0) {
        return ERROR_INVALID_VALUE;
    }
    *flags = 0;
    *active = primary_context != nullptr && primary_context->retains > 0;
    return SUCCESS;
}

CUresult cuCtxDestroy_v2(Context *context) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!contexts.count(context) || context->primary) {
        return ERROR_INVALID_CONTEXT;
    }
    release_context(context);
    contexts.erase(context);
    if (current_context == context) {
        current_context = nullptr;
    }
    delete context;
    return SUCCESS;
}

CUresult cuCtxSetCurrent(Context *context) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (context != nullptr && !contexts.count(context)) {
        return ERROR_INVALID_CONTEXT;
    }
    current_context = context;
    return SUCCESS;
}

CUresult cuCtxGetCurrent(Context **context) {
    *context = current_context;
    return SUCCESS;
}

CUresult cuCtxSynchronize() {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context_outside_capture("cuCtxSynchronize");
    return status != SUCCESS ? status : run_every_stream();
}

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total_bytes) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    *free_bytes = TOTAL_MEMORY - allocated_bytes;
    *total_bytes = TOTAL_MEMORY;
    return SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context_outside_capture("cuMemAlloc");
    if (status != SUCCESS) {
        return status;
    }
    if (bytes == 0) {
        return ERROR_INVALID_VALUE;
    }
    if (bytes > TOTAL_MEMORY - allocated_bytes) {
        return ERROR_OUT_OF_MEMORY;
    }
    // the buffer ends as close to a guard page as the driver's alignment lets it: a read past it faults
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t rounded = (bytes + ALLOCATION_ALIGNMENT - 1) / ALLOCATION_ALIGNMENT * ALLOCATION_ALIGNMENT;
    const size_t mapping_bytes = (rounded + page - 1) / page * page + page;
    void *mapping = mmap(nullptr, mapping_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) {
        return ERROR_OUT_OF_MEMORY;
    }
    char *base = static_cast<char *>(mapping);
    mprotect(base + mapping_bytes - page, page, PROT_NONE);
    char *start = base + mapping_bytes - page - rounded;
    memset(start, 0xFF, rounded);  // never-written device memory reads as NaN
    allocations[reinterpret_cast<CUdeviceptr>(start)] = Allocation{base, mapping_bytes, bytes, current_context};
    allocated_bytes += bytes;
    *pointer = reinterpret_cast<CUdeviceptr>(start);
    return SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context_outside_capture("cuMemFree");
    if (status != SUCCESS) {
        return status;
    }
    auto found = allocations.find(pointer);
    if (found == allocations.end()) {
        complain("cuMemFree of an address that is not the start of an allocation");
        return ERROR_INVALID_VALUE;
    }
    // a free waits for the work queued before it, which may still use the memory
    status = run_every_stream();
    if (status != SUCCESS) {
        return status;
    }
    unmap(found->second);
    allocations.erase(found);
    return SUCCESS;
}

CUresult cuMemAllocHost_v2(void **pointer, size_t bytes) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    void *memory = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    if (memory == nullptr) {
        return ERROR_OUT_OF_MEMORY;
    }
    pinned[static_cast<const char *>(memory)] = bytes;
    *pointer = memory;
    return SUCCESS;
}

CUresult cuMemFreeHost(void *pointer) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!pinned.erase(static_cast<const char *>(pointer))) {
        return ERROR_INVALID_VALUE;
    }
    // queued copies may still read it: the driver waits for them
    CUresult status = run_every_stream();
    free(pointer);
    return status;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, const void *source, size_t bytes) {
    return copy("cuMemcpyHtoD", true, true, reinterpret_cast<void *>(destination), false, source, bytes, nullptr);
}

CUresult cuMemcpyDtoH_v2(void *destination, CUdeviceptr source, size_t bytes) {
    return copy("cuMemcpyDtoH", true, false, destination, true, reinterpret_cast<const void *>(source), bytes, nullptr);
}

CUresult cuMemsetD32_v2(CUdeviceptr destination, unsigned value, size_t count) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context_outside_capture("cuMemsetD32 (synchronous)");
    if (status == SUCCESS) {
        status = check_range("cuMemsetD32", reinterpret_cast<void *>(destination), 4 * count);
    }
    return status != SUCCESS ? status : submit(nullptr, memset_node(destination, value, count));
}

CUresult cuMemsetD32Async(CUdeviceptr destination, unsigned value, size_t count, Stream *stream) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status == SUCCESS) {
        status = check_range("cuMemsetD32Async", reinterpret_cast<void *>(destination), 4 * count);
    }
    if (status != SUCCESS) {
        return status;
    }
    return submit(stream, memset_node(destination, value, count));
}


CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void *source, size_t bytes, Stream *stream) {
    return copy("cuMemcpyHtoDAsync", false, true, reinterpret_cast<void *>(destination), false, source, bytes, stream);
}

CUresult cuMemcpyDtoHAsync_v2(void *destination, CUdeviceptr source, size_t bytes, Stream *stream) {
    return copy("cuMemcpyDtoHAsync", false, false, destination, true, reinterpret_cast<const void *>(source), bytes, stream);
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes, Stream *stream) {
    return copy("cuMemcpyDtoDAsync", false, true, reinterpret_cast<void *>(destination), true,
                reinterpret_cast<const void *>(source), bytes, stream);
}

CUresult cuModuleLoadData(Module **module, const void *image) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    std::map<std::string, std::pair<std::vector<size_t>, int>> entries;
    std::string problem;
    if (!parse_ptx(ptx_of(image), entries, problem)) {
        complain("cuModuleLoadData: " + problem);
        return ERROR_INVALID_IMAGE;
    }
    auto loaded = std::make_unique<Module>();
    loaded->context = current_context;
    for (const auto &entry : entries) {
        const descent_emu::Kernel *kernel = descent_emu::find_kernel(entry.first);
        if (kernel == nullptr) {
            continue;  // cuModuleGetFunction says so if the host asks for it
        }
        if (kernel->parameter_sizes != entry.second.first) {
            std::ostringstream sizes;
            sizes << entry.first << ": the PTX lists " << entry.second.first.size() << " parameters, the host-compiled kernel takes "
                  << kernel->parameter_sizes.size() << " (or their sizes differ): the PTX is not of this source";
            complain("cuModuleLoadData: " + sizes.str());
            return ERROR_INVALID_PTX;
        }
        auto function = std::make_unique<Function>();
        function->kernel = kernel;
        function->name = entry.first;
        function->parameter_sizes = entry.second.first;
        function->max_threads = entry.second.second;
        loaded->functions[entry.first] = std::move(function);
    }
    *module = loaded.release();
    modules.insert(*module);
    return SUCCESS;
}

CUresult cuModuleUnload(Module *module) {
    return destroy(modules, module, ERROR_INVALID_HANDLE);
}

CUresult cuModuleGetFunction(Function **function, Module *module, const char *name) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!modules.count(module)) {
        return ERROR_INVALID_HANDLE;
    }
    auto found = module->functions.find(name);
    if (found == module->functions.end()) {
        complain(std::string("cuModuleGetFunction: no entry ") + name + " (not in the PTX, or not compiled as host code)");
        return ERROR_NOT_FOUND;
    }
    *function = found->second.get();
    return SUCCESS;
}

CUresult cuFuncSetAttribute(Function *function, int attribute, int value) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (attribute != FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) {
        complain("cuFuncSetAttribute: attribute " + std::to_string(attribute) + " is not modelled");
        return ERROR_INVALID_VALUE;
    }
    if (value < 0 || static_cast<size_t>(value) > MAX_SHARED_OPTIN) {
        return ERROR_INVALID_VALUE;
    }
    function->max_dynamic_shared = static_cast<size_t>(value);
    return SUCCESS;
}

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, Function *function, int block_size,
                                                     size_t dynamic_shared) {
    if (block_size <= 0 || block_size > function->max_threads) {
        *blocks = 0;
        return SUCCESS;
    }
    size_t by_threads = THREADS_PER_MULTIPROCESSOR / block_size;
    size_t by_shared = dynamic_shared == 0 ? MAX_BLOCKS_PER_MULTIPROCESSOR : SHARED_PER_MULTIPROCESSOR / dynamic_shared;
    *blocks = static_cast<int>(std::min<size_t>({by_threads, by_shared, MAX_BLOCKS_PER_MULTIPROCESSOR}));
    return SUCCESS;
}

CUresult cuLaunchKernel(Function *function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                        unsigned block_y, unsigned block_z, unsigned shared_bytes, Stream *stream, void **parameters,
                        void **extra) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    if (extra != nullptr || (parameters == nullptr && !function->parameter_sizes.empty())) {
        complain("cuLaunchKernel: " + function->name + " needs its arguments in kernelParams");
        return ERROR_INVALID_VALUE;
    }
    const unsigned long long threads = 1ull * block_x * block_y * block_z;
    if (grid_x == 0 || grid_y == 0 || grid_z == 0 || threads == 0 || threads > 1024) {
        return ERROR_INVALID_VALUE;
    }
    if (threads > static_cast<unsigned long long>(function->max_threads)) {
        complain("cuLaunchKernel: " + function->name + " with " + std::to_string(threads) +
                 " threads a block, above its .maxntid " + std::to_string(function->max_threads));
        return ERROR_LAUNCH_OUT_OF_RESOURCES;
    }
    if (shared_bytes > function->max_dynamic_shared) {
        complain("cuLaunchKernel: " + function->name + " asks for " + std::to_string(shared_bytes) +
                 " bytes of dynamic shared memory; its attribute allows " + std::to_string(function->max_dynamic_shared));
        return ERROR_INVALID_VALUE;
    }
    if (resolve(stream)->capturing && take_injected_fault("launch-during-capture")) {
        resolve(stream)->capture_invalidated = true;
        complain("cuLaunchKernel: " + function->name + " fails during a capture, as injected by the test (the capture is now invalid)");
        return ERROR_LAUNCH_FAILED;
    }
    Node node;
    node.kind = Node::LAUNCH;
    node.function = function;
    node.grid = dim3{grid_x, grid_y, grid_z};
    node.block = dim3{block_x, block_y, block_z};
    node.shared_bytes = shared_bytes;
    for (size_t i = 0; i < function->parameter_sizes.size(); i++) {
        const unsigned char *value = static_cast<const unsigned char *>(parameters[i]);
        node.parameters.insert(node.parameters.end(), value, value + function->parameter_sizes[i]);
    }
    return submit(stream, std::move(node));
}

CUresult cuStreamCreate(Stream **stream, unsigned flags) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    Stream *made = new Stream();
    made->context = current_context;
    made->blocking = (flags & STREAM_NON_BLOCKING) == 0;
    streams.insert(made);
    *stream = made;
    return SUCCESS;
}

CUresult cuStreamDestroy_v2(Stream *stream) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (streams.count(stream) == 0) {
        return ERROR_INVALID_HANDLE;
    }
    // its queued work still runs, as on the device
    CUresult status = run_pending(stream);
    destroy(streams, stream, ERROR_INVALID_HANDLE);
    return status;
}

CUresult cuStreamSynchronize(Stream *handle) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    Stream *stream = resolve(handle);
    if (!known(stream)) {
        return ERROR_INVALID_HANDLE;
    }
    if (stream->capturing) {
        stream->capture_invalidated = true;
        complain("cuStreamSynchronize on a capturing stream (the capture is now invalid)");
        return ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    CUresult status = refuse_during_capture("cuStreamSynchronize");
    if (status == SUCCESS) {
        status = stream == &legacy_stream ? run_blocking_streams() : run_pending(stream);
    }
    return status;
}

CUresult cuStreamBeginCapture_v2(Stream *stream, int mode) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (stream == nullptr || !streams.count(stream) || stream->capturing) {
        return ERROR_INVALID_VALUE;
    }
    stream->capturing = true;
    stream->capture_invalidated = false;
    stream->capture_mode = mode;
    stream->capture_thread = std::this_thread::get_id();
    stream->capture = std::make_unique<Graph>();
    return SUCCESS;
}

CUresult cuStreamEndCapture(Stream *stream, Graph **graph) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (stream == nullptr || !streams.count(stream) || !stream->capturing) {
        return ERROR_INVALID_VALUE;
    }
    if (stream->capture_mode == CAPTURE_MODE_THREAD_LOCAL && stream->capture_thread != std::this_thread::get_id()) {
        return ERROR_STREAM_CAPTURE_WRONG_THREAD;
    }
    stream->capturing = false;
    std::unique_ptr<Graph> captured = std::move(stream->capture);
    if (stream->capture_invalidated) {
        *graph = nullptr;
        return ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    *graph = captured.release();
    graphs.insert(*graph);
    return SUCCESS;
}

CUresult cuGraphInstantiateWithFlags(Graph **executable, Graph *graph, unsigned long long flags) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (graph == nullptr || !graphs.count(graph)) {
        return ERROR_INVALID_VALUE;
    }
    Graph *made = new Graph(*graph);
    executables.insert(made);
    *executable = made;
    return SUCCESS;
}

CUresult cuGraphLaunch(Graph *executable, Stream *stream) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (executable == nullptr || !executables.count(executable)) {
        return ERROR_INVALID_VALUE;
    }
    if (resolve(stream)->capturing) {
        complain("cuGraphLaunch into a capturing stream is not modelled");
        return ERROR_INVALID_VALUE;
    }
    for (const Node &node : executable->nodes) {
        CUresult status = submit(stream, node);
        if (status != SUCCESS) {
            return status;
        }
    }
    return SUCCESS;
}

CUresult cuGraphExecDestroy(Graph *executable) {
    return destroy(executables, executable, ERROR_INVALID_VALUE);
}

CUresult cuGraphDestroy(Graph *graph) {
    return destroy(graphs, graph, ERROR_INVALID_VALUE);
}

CUresult cuEventCreate(Event **event, unsigned flags) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    CUresult status = need_context();
    if (status != SUCCESS) {
        return status;
    }
    *event = new Event();
    events.insert(*event);
    return SUCCESS;
}

CUresult cuEventDestroy_v2(Event *event) {
    return destroy(events, event, ERROR_INVALID_HANDLE);
}

CUresult cuEventRecord(Event *event, Stream *handle) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    Stream *stream = resolve(handle);
    if (!events.count(event) || !known(stream)) {
        return ERROR_INVALID_HANDLE;
    }
    if (stream->capturing) {
        complain("cuEventRecord into a capturing stream is not modelled");
        return ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    event->recorded = false;
    event->stream = stream;
    Node node;
    node.kind = Node::EVENT;
    node.event = event;
    return submit(stream, std::move(node));
}

CUresult cuEventSynchronize(Event *event) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!events.count(event)) {
        return ERROR_INVALID_HANDLE;
    }
    CUresult status = refuse_during_capture("cuEventSynchronize");
    if (status == SUCCESS && event->stream != nullptr && known(event->stream)) {
        status = run_pending(event->stream);
    }
    return status;
}

CUresult cuEventElapsedTime(float *milliseconds, Event *start, Event *end) {
    std::lock_guard<std::recursive_mutex> guard(lock);
    if (!events.count(start) || !events.count(end)) {
        return ERROR_INVALID_HANDLE;
    }
    if (!start->recorded || !end->recorded) {
        return ERROR_NOT_READY;
    }
    *milliseconds = std::chrono::duration<float, std::milli>(end->time - start->time).count();
    return SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char **name) {
    static thread_local std::string text;
    text = "CUDA_ERROR_" + std::to_string(error);
    *name = error == SUCCESS ? "CUDA_SUCCESS" : text.c_str();
    return SUCCESS;
}

CUresult cuGetErrorString(CUresult error, const char **description) {
    return cuGetErrorName(error, description);
}

}  // extern "C"
