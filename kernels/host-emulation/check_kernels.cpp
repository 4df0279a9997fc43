/*
 * check_kernels.cpp: every CUDA kernel of kernels/ run as host code (emulation.h) on odd shapes, with
 * the launch geometry of CudaBackend and CublasBaseline, against sums in double precision.
 *
 * Each case runs in six orders (blocks forward and backward; threads forward, backward, even ones
 * first) from the same inputs, and every byte of every buffer must come out the same: a missing
 * barrier or an order-dependent sum shows as a difference. Buffers are exactly as large as the
 * launch needs and the outputs start as NaN, so with AddressSanitizer and UBSan (build.sh) a read past
 * a buffer or of what no thread wrote shows too.
 *
 *   check_kernels            every case; prints "PASS name" or "FAIL name: why" per case, then a total
 *   check_kernels PREFIX     the cases whose names start with PREFIX
 *   check_kernels --controls broken kernels (below), each of which the checks must catch
 *   check_kernels --read-past-a-buffer   a kernel that reads past its input: AddressSanitizer must stop it
 * Exit status 0 when every case passed (every control was caught).
 */
#include <stdio.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "cuda_compat.h"
#include "registry.h"
#include "update.h"

namespace {

/* Launch geometry, as CudaBackend, FusedKernelChoice and CublasBaseline set it (their constants of the same names). */
constexpr int NARROW_THREADS = 256;
constexpr int WIDE_THREADS = 64;
constexpr int SUB = 16;
constexpr int MIN_ROWS_PER_BLOCK = 64;
constexpr long long MAX_PARTIAL_FLOATS = 1LL << 24;
constexpr int REDUCE_COLUMNS = 32;
constexpr int REDUCE_STRIPES = 8;
constexpr int UPDATE_THREADS = 256;
constexpr int STREAM_THREADS = 256;
constexpr int STREAM_BLOCKS_PER_SM = 8;
constexpr int BASELINE_THREADS = 256;
constexpr int TILED_THREADS = 256;
constexpr int TILED_SHARED_BYTES = 96 * 1024;
constexpr int TILED_MAX_TILE_ROWS = 32;
/* An H100's multiprocessors, and the blocks of 256 threads resident on one: the most partials a pass writes. */
constexpr int MULTIPROCESSORS = 132;
constexpr int RESIDENT_BLOCKS_PER_SM = 8;

/*
 * A float sum of n terms is within about n * 2^-24 of the sum of their magnitudes; these kernels sum in
 * short chains and trees, so 1e-5 of the magnitudes is loose enough for every shape here and tight
 * enough that a dropped or doubled term (at least 1e-3 of them on these random data) fails.
 */
constexpr double SUM_TOLERANCE = 1e-5;
/* Kahan-compensated sums (reduce_partials): a few units in the last place of the magnitudes. */
constexpr double COMPENSATED_TOLERANCE = 1e-6;
/* One float result against its double counterpart from the same float inputs. */
constexpr double ELEMENT_TOLERANCE = 1e-5;

struct Random {
    unsigned long long state;
    explicit Random(unsigned long long seed) : state(seed * 0x9E3779B97F4A7C15ull + 1) {}
    unsigned long long next() {
        state += 0x9E3779B97F4A7C15ull;
        unsigned long long z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /* Uniform in [low, high). */
    float uniform(float low, float high) { return low + (high - low) * static_cast<float>((next() >> 40) * 0x1p-24); }
    int below(int bound) { return static_cast<int>(next() % static_cast<unsigned long long>(bound)); }
};

std::vector<float> randoms(Random &random, size_t count, float low, float high) {
    std::vector<float> values(count);
    for (float &value : values) {
        value = random.uniform(low, high);
    }
    return values;
}

std::vector<float> nans(size_t count) {
    return std::vector<float>(count, std::nanf(""));
}

/* A region of memory a launch may change: restored before each order, compared after. */
struct Region {
    void *address;
    size_t bytes;
};
template <typename T>
Region region(std::vector<T> &values) {
    return Region{values.data(), values.size() * sizeof(T)};
}

int cases_run = 0;
int cases_failed = 0;
std::string selected;

/* One case: the launch in every order, the same bits each time, then verify() on the result. */
void check(const std::string &name, const char *kernel, dim3 grid, dim3 block, size_t shared_bytes,
           std::vector<void *> arguments, std::vector<Region> regions, const std::function<std::string()> &verify) {
    if (name.compare(0, selected.size(), selected) != 0) {
        return;
    }
    cases_run++;
    const descent_emu::Kernel *entry = descent_emu::find_kernel(kernel);
    std::string problem;
    if (entry == nullptr) {
        problem = std::string("no kernel named ") + kernel;
    } else if (entry->parameter_sizes.size() != arguments.size()) {
        problem = std::string(kernel) + " takes " + std::to_string(entry->parameter_sizes.size()) + " arguments, not " +
                  std::to_string(arguments.size());
    }
    std::vector<std::vector<unsigned char>> initial;
    for (const Region &r : regions) {
        const unsigned char *bytes = static_cast<const unsigned char *>(r.address);
        initial.emplace_back(bytes, bytes + r.bytes);
    }
    std::vector<std::vector<unsigned char>> first;
    for (int order = 0; problem.empty() && order < 2 * descent_emu::THREAD_ORDERS; order++) {
        descent_emu::Order how;
        how.reverse_blocks = order % 2 == 1;
        how.threads = order / 2;
        for (size_t i = 0; i < regions.size(); i++) {
            memcpy(regions[i].address, initial[i].data(), regions[i].bytes);
        }
        std::string error = descent_emu::run(grid, block, shared_bytes, how,
                                             [&] { entry->invoke(arguments.data()); });
        if (!error.empty()) {
            problem = error;
            break;
        }
        for (size_t i = 0; i < regions.size(); i++) {
            const unsigned char *bytes = static_cast<const unsigned char *>(regions[i].address);
            std::vector<unsigned char> now(bytes, bytes + regions[i].bytes);
            if (order == 0) {
                first.push_back(now);
            } else if (now != first[i]) {
                size_t at = 0;
                while (now[at] == first[i][at]) {
                    at++;
                }
                problem = "blocks " + std::string(how.reverse_blocks ? "backward" : "forward") + ", thread order " +
                          std::to_string(how.threads) + ": output " + std::to_string(i) + " differs from the first order at byte " +
                          std::to_string(at);
                break;
            }
        }
    }
    if (problem.empty()) {
        problem = verify();
    }
    if (problem.empty()) {
        printf("PASS %s\n", name.c_str());
    } else {
        cases_failed++;
        printf("FAIL %s: %s\n", name.c_str(), problem.c_str());
    }
    fflush(stdout);
}

/* "" when got is within tolerance * magnitude (+ a floor) of expected, else what differs. */
std::string compare(const char *what, size_t index, double got, double expected, double magnitude, double tolerance) {
    if (std::isfinite(got) && std::fabs(got - expected) <= tolerance * magnitude + 1e-30) {
        return "";
    }
    char text[256];
    snprintf(text, sizeof text, "%s[%zu] = %.9g, expected %.9g (allowed %.3g)", what, index, got, expected,
             tolerance * magnitude);
    return text;
}

/* The loss and s * dloss/dz of one output (k = 1), in double: descent_math.h's formulas. */
double residual_of(int kind, double p, double z, double y, double s, double *loss) {
    if (kind == DESCENT_LINEAR) {
        *loss = s * (z - y) * (z - y);
        return s * 2 * (z - y);
    }
    if (kind == DESCENT_LOGISTIC) {
        *loss = s * (std::fmax(z, 0.0) + std::log1p(std::exp(-std::fabs(z))) - y * z);
        return s * (1 / (1 + std::exp(-z)) - y);
    }
    if (kind == DESCENT_HUBER) {
        double e = z - y;
        *loss = s * (std::fabs(e) <= p ? 0.5 * e * e : p * (std::fabs(e) - 0.5 * p));
        return s * (e > p ? p : (e < -p ? -p : e));
    }
    if (kind == DESCENT_POISSON) {
        *loss = s * ((y > 0 ? y * (std::log(y) - z) : 0) + std::exp(z) - y);
        return s * (std::exp(z) - y);
    }
    if (kind == DESCENT_SQUARED_HINGE) {
        double t = 2 * y - 1;
        double margin = std::fmax(1 - t * z, 0.0);
        *loss = s * margin * margin;
        return s * -2 * t * margin;
    }
    *loss = 0;
    return s * z;
}

/* A fused pass's problem: data, standardization, parameters and which rows. */
struct Pass {
    int rows, d, k, loss_kind;
    float loss_parameter;
    bool weighted;
    descent_step_args args;
    std::vector<float> x, y, s, mean, inv_scale, params;
};

Pass make_pass(Random &random, int rows, int d, int k, int loss_kind, bool weighted, bool shuffled) {
    Pass pass{rows, d, k, loss_kind, loss_kind == DESCENT_HUBER ? 1.5f : 0.0f, weighted, {}, {}, {}, {}, {}, {}, {}};
    pass.x = randoms(random, static_cast<size_t>(rows) * d, -2, 2);
    pass.y.resize(rows);
    for (float &label : pass.y) {
        label = loss_kind == DESCENT_SOFTMAX ? static_cast<float>(random.below(k))
                : loss_kind == DESCENT_LOGISTIC || loss_kind == DESCENT_SQUARED_HINGE ? static_cast<float>(random.below(2))
                : loss_kind == DESCENT_POISSON ? static_cast<float>(random.below(6))
                                                : random.uniform(-3, 3);
    }
    pass.s = randoms(random, rows, 0.25f, 2);
    pass.mean = randoms(random, d, -0.5f, 0.5f);
    pass.inv_scale = randoms(random, d, 0.5f, 2);
    pass.params = randoms(random, static_cast<size_t>(k) * d + k, -0.5f, 0.5f);
    memset(&pass.args, 0, sizeof pass.args);
    pass.args.key = random.next();
    pass.args.shuffled = shuffled ? 1 : 0;
    pass.args.batch_start = shuffled ? random.below(rows) : 0;
    pass.args.batch_size = shuffled ? 1 + random.below(rows - pass.args.batch_start) : rows;
    pass.args.loss_parameter = pass.loss_parameter;
    return pass;
}

/* The pass's sums in double: G (k d + k values), then L; and the sums of their terms' magnitudes. */
void reference_sums(const Pass &p, std::vector<double> &sums, std::vector<double> &magnitudes) {
    const int width = p.k * p.d + p.k;
    sums.assign(width + 1, 0.0);
    magnitudes.assign(width + 1, 0.0);
    std::vector<double> scaled(p.d);
    std::vector<double> z(p.k);
    for (int pos = 0; pos < p.args.batch_size; pos++) {
        const int i = p.args.shuffled ? static_cast<int>(descent_row(p.args.key, p.rows, p.args.batch_start + pos))
                                      : p.args.batch_start + pos;
        const double s = p.weighted ? p.s[i] : 1.0;
        for (int j = 0; j < p.d; j++) {
            scaled[j] = (static_cast<double>(p.x[static_cast<size_t>(i) * p.d + j]) - p.mean[j]) * p.inv_scale[j];
        }
        // the float z a kernel computes is off by its rounding, up to the tolerance times the magnitude of its
        // terms; each residual moves at most 2 per unit of the largest such error (softmax's Jacobian rows
        // sum to at most 2 p_c), which the gradient's allowance takes in below
        double z_magnitude = 0;
        for (int c = 0; c < p.k; c++) {
            z[c] = p.params[p.k * p.d + c];
            double magnitude = std::fabs(z[c]);
            for (int j = 0; j < p.d; j++) {
                z[c] += p.params[c * p.d + j] * scaled[j];
                magnitude += std::fabs(p.params[c * p.d + j] * scaled[j]);
            }
            z_magnitude = std::max(z_magnitude, magnitude);
        }
        double loss;
        if (p.loss_kind == DESCENT_SOFTMAX) {
            const int target = static_cast<int>(p.y[i]);
            double largest = z[0];
            for (double value : z) {
                largest = std::fmax(largest, value);
            }
            double total = 0;
            for (double value : z) {
                total += std::exp(value - largest);
            }
            loss = s * (std::log(total) + largest - z[target]);
            for (int c = 0; c < p.k; c++) {
                z[c] = s * (std::exp(z[c] - largest) / total - (c == target ? 1.0 : 0.0));
            }
        } else {
            // the narrow kernel adds the intercept after the butterfly, as z here does
            z[0] = residual_of(p.loss_kind, p.loss_parameter, z[0], p.y[i], s, &loss);
        }
        const double carried = 2 * s * z_magnitude;
        for (int c = 0; c < p.k; c++) {
            for (int j = 0; j < p.d; j++) {
                sums[c * p.d + j] += z[c] * scaled[j];
                magnitudes[c * p.d + j] += std::fabs(z[c] * scaled[j]) + carried * std::fabs(scaled[j]);
            }
            sums[p.k * p.d + c] += z[c];
            magnitudes[p.k * p.d + c] += std::fabs(z[c]) + carried;
        }
        sums[width] += loss;
        magnitudes[width] += std::fabs(loss) + carried;
    }
}

/* The partials' sums over blocks (in double) against the reference sums. */
std::string verify_partials(const Pass &p, const std::vector<float> &partial, const std::vector<float> &partial_loss,
                            int groups) {
    std::vector<double> sums;
    std::vector<double> magnitudes;
    reference_sums(p, sums, magnitudes);
    const int width = p.k * p.d + p.k;
    for (int q = 0; q <= width; q++) {
        double got = 0;
        for (int g = 0; g < groups; g++) {
            got += q < width ? partial[static_cast<size_t>(g) * width + q] : partial_loss[g];
        }
        std::string problem = compare(q < width ? "gradient" : "loss", q, got, sums[q], magnitudes[q] + 1e-3, SUM_TOLERANCE);
        if (!problem.empty()) {
            return problem;
        }
    }
    return "";
}

/* CudaBackend.groups: at least MIN_ROWS_PER_BLOCK rows a block, at most the resident blocks. */
int groups_for(int batch_size, int width) {
    long long resident = static_cast<long long>(MULTIPROCESSORS) * RESIDENT_BLOCKS_PER_SM;
    int max_groups = static_cast<int>(std::max(1LL, std::min(resident, MAX_PARTIAL_FLOATS / width)));
    return std::max(1, std::min(max_groups, (batch_size + MIN_ROWS_PER_BLOCK - 1) / MIN_ROWS_PER_BLOCK));
}

const char *loss_name(int kind) {
    switch (kind) {
        case DESCENT_LINEAR: return "linear";
        case DESCENT_LOGISTIC: return "logistic";
        case DESCENT_SOFTMAX: return "softmax";
        case DESCENT_GRAM: return "gram";
        case DESCENT_POISSON: return "poisson";
        case DESCENT_SQUARED_HINGE: return "squared_hinge";
        default: return "huber";
    }
}

enum FusedKernel { NARROW, WIDE, TILED, SOFTMAX };

/* The columns a lane holds in fused_narrow_C and fused_softmax_C: the least power of two with 32 C >= d. */
int lane_chunks(int d) {
    int chunks = 1;
    while (32 * chunks < d) {
        chunks *= 2;
    }
    return chunks;
}

/* fused_narrow_C, fused_softmax_C, fused_tiled_C or fused_wide on one problem, launched as CudaBackend launches it. */
void check_fused(Random &random, int rows, int d, int k, int loss_kind, bool weighted, bool shuffled, FusedKernel kernel_kind) {
    const bool wide = kernel_kind == WIDE;
    Pass p = make_pass(random, rows, d, k, loss_kind, weighted, shuffled);
    const int width = k * d + k;
    const int groups = groups_for(p.args.batch_size, width);
    std::vector<float> partial = nans(static_cast<size_t>(groups) * width);
    std::vector<float> partial_loss = nans(groups);
    int has_weights = weighted ? 1 : 0;
    const float *x = p.x.data(), *y = p.y.data(), *s = p.s.data(), *mean = p.mean.data(), *inv = p.inv_scale.data(),
                *params = p.params.data();
    const descent_step_args *args = &p.args;
    float *partial_out = partial.data(), *loss_out = partial_loss.data();
    std::string name = std::string(wide                      ? "fused_wide"
                                   : kernel_kind == TILED    ? "fused_tiled"
                                   : kernel_kind == SOFTMAX  ? "fused_softmax"
                                                             : "fused_narrow") + " " +
                       loss_name(loss_kind) + " " +
                       std::to_string(rows) + "x" + std::to_string(d) + (k > 1 ? " k=" + std::to_string(k) : "") +
                       (weighted ? " weighted" : "") + (shuffled ? " batch " + std::to_string(p.args.batch_size) : "");
    std::vector<Region> regions{region(partial), region(partial_loss)};
    auto verify = [&] { return verify_partials(p, partial, partial_loss, groups); };
    if (wide) {
        int loss = loss_kind;
        check(name, "fused_wide", dim3{static_cast<unsigned>(groups), 1, 1}, dim3{WIDE_THREADS, 1, 1},
              sizeof(float) * SUB * (WIDE_THREADS + k),
              {&x, &y, &s, &has_weights, &mean, &inv, &params, &rows, &d, &k, &loss, &args, &partial_out, &loss_out},
              regions, verify);
    } else if (kernel_kind == TILED) {
        int columns = 1;
        while (TILED_THREADS * columns < d) {
            columns *= 2;
        }
        int tile_rows = std::min(TILED_MAX_TILE_ROWS, TILED_SHARED_BYTES / static_cast<int>(sizeof(float) * (d + k + 2)));
        size_t shared = sizeof(float) * static_cast<size_t>(tile_rows) * (d + k + 2);
        std::string kernel = "fused_tiled_" + std::to_string(columns);
        int loss = loss_kind;
        check(name + " tile " + std::to_string(tile_rows), kernel.c_str(), dim3{static_cast<unsigned>(groups), 1, 1},
              dim3{TILED_THREADS, 1, 1}, shared,
              {&x, &y, &s, &has_weights, &mean, &inv, &params, &rows, &d, &k, &loss, &tile_rows, &args, &partial_out,
               &loss_out},
              regions, verify);
    } else if (kernel_kind == SOFTMAX) {
        std::string kernel = "fused_softmax_" + std::to_string(lane_chunks(d));
        int loss = loss_kind;
        check(name, kernel.c_str(), dim3{static_cast<unsigned>(groups), 1, 1}, dim3{NARROW_THREADS, 1, 1}, 0,
              {&x, &y, &s, &has_weights, &mean, &inv, &params, &rows, &d, &k, &loss, &args, &partial_out, &loss_out},
              regions, verify);
    } else {
        std::string kernel = "fused_narrow_" + std::to_string(lane_chunks(d));
        int loss = loss_kind;
        check(name, kernel.c_str(), dim3{static_cast<unsigned>(groups), 1, 1}, dim3{NARROW_THREADS, 1, 1}, 0,
              {&x, &y, &s, &has_weights, &mean, &inv, &params, &rows, &d, &loss, &args, &partial_out, &loss_out}, regions,
              verify);
    }
}

void check_fused_kernels() {
    Random random(1);
    const int losses[] = {DESCENT_LINEAR, DESCENT_LOGISTIC, DESCENT_HUBER, DESCENT_GRAM};
    int variant = 0;
    // every register width of fused_narrow at its narrowest and widest d, rows around a block and a warp round
    for (int chunks = 1; chunks <= 32; chunks *= 2) {
        for (int d : {chunks == 1 ? 1 : 16 * chunks + 1, 32 * chunks}) {
            for (int rows : {1, 65, 1000}) {
                check_fused(random, rows, d, 1, losses[variant % 4], variant % 3 == 1, variant % 5 == 2, NARROW);
                variant++;
            }
        }
    }
    // every loss, with and without weights and shuffled batches, on one shape
    for (int loss : {DESCENT_LINEAR, DESCENT_LOGISTIC, DESCENT_HUBER, DESCENT_POISSON, DESCENT_SQUARED_HINGE, DESCENT_GRAM}) {
        for (int weighted = 0; weighted < 2; weighted++) {
            for (int shuffled = 0; shuffled < 2; shuffled++) {
                check_fused(random, 3001, 33, 1, loss, weighted, shuffled, NARROW);
            }
        }
    }
    // fused_wide: one output past 1,024 features, softmax of few and of many classes (64 threads a block)
    check_fused(random, 33, 1025, 1, DESCENT_LOGISTIC, true, false, WIDE);
    check_fused(random, 200, 1500, 1, DESCENT_LINEAR, false, true, WIDE);
    check_fused(random, 17, 2000, 1, DESCENT_GRAM, false, false, WIDE);
    for (int k : {2, 3, 10}) {
        for (int rows : {1, 17, 300}) {
            check_fused(random, rows, k == 10 ? 64 : 7, k, DESCENT_SOFTMAX, rows != 17, rows == 300, WIDE);
        }
    }
    check_fused(random, 70, 65, 10, DESCENT_SOFTMAX, true, true, WIDE);
    check_fused(random, 70, 5, 65, DESCENT_SOFTMAX, true, false, WIDE);
    check_fused(random, 40, 3, 100, DESCENT_SOFTMAX, false, true, WIDE);
    check_fused(random, 20, 3, 1000, DESCENT_SOFTMAX, true, false, WIDE);
    // fused_softmax: every register width at its narrowest and widest d and most classes; 2 and 10 classes;
    // rows around a round, a block's 64 rows and several blocks; one output (the power iteration's Gram pass)
    check_fused(random, 1, 1, 2, DESCENT_SOFTMAX, false, false, SOFTMAX);
    check_fused(random, 65, 32, 16, DESCENT_SOFTMAX, true, false, SOFTMAX);
    check_fused(random, 300, 17, 10, DESCENT_SOFTMAX, false, true, SOFTMAX);
    check_fused(random, 1000, 33, 3, DESCENT_SOFTMAX, true, true, SOFTMAX);
    check_fused(random, 129, 64, 16, DESCENT_SOFTMAX, false, false, SOFTMAX);
    check_fused(random, 2001, 64, 10, DESCENT_SOFTMAX, true, false, SOFTMAX);
    check_fused(random, 63, 65, 8, DESCENT_SOFTMAX, false, true, SOFTMAX);
    check_fused(random, 500, 128, 5, DESCENT_SOFTMAX, true, false, SOFTMAX);
    check_fused(random, 70, 100, 1, DESCENT_GRAM, false, false, SOFTMAX);
    // fused_tiled: every register width; softmax up to its most classes, one output past 1,024 features;
    // rows around a tile, a block's 64 rows, and several blocks; tiles of 32 rows down to 2
    check_fused(random, 1, 5, 2, DESCENT_SOFTMAX, false, false, TILED);
    check_fused(random, 70, 200, 64, DESCENT_SOFTMAX, true, false, TILED);
    check_fused(random, 33, 300, 32, DESCENT_SOFTMAX, false, true, TILED);
    check_fused(random, 300, 784, 10, DESCENT_SOFTMAX, true, true, TILED);
    check_fused(random, 65, 1024, 16, DESCENT_SOFTMAX, false, false, TILED);
    check_fused(random, 129, 1025, 1, DESCENT_LOGISTIC, true, false, TILED);
    check_fused(random, 200, 2000, 8, DESCENT_SOFTMAX, false, true, TILED);
    check_fused(random, 64, 3000, 1, DESCENT_HUBER, true, true, TILED);
    check_fused(random, 40, 5000, 1, DESCENT_GRAM, false, false, TILED);
    check_fused(random, 17, 8192, 2, DESCENT_SOFTMAX, true, false, TILED);
    check_fused(random, 1000, 1500, 1, DESCENT_LINEAR, false, true, TILED);
}

/* CudaBackend's sparse launch geometry: blocks of sparse_rows and sparse_centre; of sparse_clear and sparse_columns. */
constexpr int SPARSE_THREADS = 64;
constexpr int SPARSE_COLUMN_THREADS = 256;

/*
 * The sparse pass (sparse_step.cu) as CudaBackend.launchSparse runs it, kernel by kernel, on a pass whose X keeps
 * about a third of its values: each kernel in every order, then the sums against the double sums of the same rows
 * (zeros included: the standardized coordinates centre them).
 */
void check_sparse(Random &random, int rows, int d, int k, int loss_kind, bool weighted, bool shuffled) {
    Pass p = make_pass(random, rows, d, k, loss_kind, weighted, shuffled);
    std::vector<int> row_offsets(rows + 1, 0);
    std::vector<int> columns;
    std::vector<float> values;
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
            float &value = p.x[static_cast<size_t>(i) * d + j];
            if (random.below(3) != 0 || i % 7 == 3) {
                value = 0;
            } else {
                columns.push_back(j);
                values.push_back(value);
            }
        }
        row_offsets[i + 1] = static_cast<int>(columns.size());
    }
    std::vector<int> column_offsets(d + 1, 0);
    for (int j : columns) {
        column_offsets[j + 1]++;
    }
    for (int j = 0; j < d; j++) {
        column_offsets[j + 1] += column_offsets[j];
    }
    std::vector<int> next(column_offsets.begin(), column_offsets.end() - 1);
    std::vector<int> row_indices(std::max<size_t>(1, columns.size()));
    std::vector<float> column_values(std::max<size_t>(1, columns.size()));
    for (int i = 0; i < rows; i++) {
        for (int q = row_offsets[i]; q < row_offsets[i + 1]; q++) {
            row_indices[next[columns[q]]] = i;
            column_values[next[columns[q]]++] = values[q];
        }
    }
    columns.resize(std::max<size_t>(1, columns.size()));
    values.resize(std::max<size_t>(1, values.size()));
    const int width = k * d + k;
    const int groups = groups_for(p.args.batch_size, width);
    std::vector<float> centre = nans(k);
    std::vector<float> residual = nans(static_cast<size_t>(rows) * k);
    std::vector<float> partial = nans(static_cast<size_t>(groups) * k);
    std::vector<float> partial_loss = nans(groups);
    std::vector<float> row_sums = nans(k + 1);
    std::vector<float> sums = nans(width + 1);
    int has_weights = weighted ? 1 : 0;
    int loss = loss_kind;
    long long count = static_cast<long long>(rows) * k;
    const float *y = p.y.data(), *s = p.s.data(), *mean = p.mean.data(), *inv = p.inv_scale.data(),
                *params = p.params.data(), *values_in = values.data(), *column_values_in = column_values.data();
    const int *offsets_in = row_offsets.data(), *columns_in = columns.data(), *column_offsets_in = column_offsets.data(),
              *row_indices_in = row_indices.data();
    const descent_step_args *args = &p.args;
    float *centre_out = centre.data(), *residual_out = residual.data(), *partial_out = partial.data(),
          *loss_out = partial_loss.data(), *row_sums_out = row_sums.data(), *sums_out = sums.data();
    const float *centre_in = centre.data(), *residual_in = residual.data(), *partial_in = partial.data(),
                *loss_in = partial_loss.data(), *row_sums_in = row_sums.data();
    std::string name = std::string("sparse ") + loss_name(loss_kind) + " " + std::to_string(rows) + "x" + std::to_string(d) +
                       (k > 1 ? " k=" + std::to_string(k) : "") + (weighted ? " weighted" : "") +
                       (shuffled ? " batch " + std::to_string(p.args.batch_size) : "");
    auto nothing = [] { return std::string(); };
    check(name + ": centre", "sparse_centre", dim3{1, 1, 1}, dim3{SPARSE_THREADS, 1, 1}, 0,
          {&mean, &inv, &params, &d, &k, &centre_out}, {region(centre)}, nothing);
    unsigned clear_blocks = static_cast<unsigned>(std::max(1LL, std::min((count + SPARSE_COLUMN_THREADS - 1) /
                                                                             SPARSE_COLUMN_THREADS, 8LL * MULTIPROCESSORS)));
    if (shuffled) {
        // the full batch writes every row; a batch is cleared first (sparse_clear does nothing for the full batch)
        check(name + ": clear", "sparse_clear", dim3{clear_blocks, 1, 1}, dim3{SPARSE_COLUMN_THREADS, 1, 1}, 0,
              {&residual_out, &count, &args}, {region(residual)}, nothing);
    }
    check(name + ": rows", "sparse_rows", dim3{static_cast<unsigned>(groups), 1, 1}, dim3{SPARSE_THREADS, 1, 1},
          sizeof(float) * SPARSE_THREADS * k,
          {&offsets_in, &columns_in, &values_in, &y, &s, &has_weights, &inv, &params, &centre_in, &rows, &d, &k, &loss,
           &args, &residual_out, &partial_out, &loss_out},
          {region(residual), region(partial), region(partial_loss)}, nothing);
    unsigned reduce_blocks = static_cast<unsigned>((k + 1 + REDUCE_COLUMNS - 1) / REDUCE_COLUMNS);
    int reduce_groups = groups;
    int reduce_width = k;
    check(name + ": row sums", "reduce_partials", dim3{reduce_blocks, 1, 1}, dim3{REDUCE_COLUMNS, REDUCE_STRIPES, 1}, 0,
          {&partial_in, &loss_in, &reduce_groups, &reduce_width, &row_sums_out}, {region(row_sums)}, nothing);
    unsigned column_blocks = static_cast<unsigned>((d + k + 1 + SPARSE_COLUMN_THREADS - 1) / SPARSE_COLUMN_THREADS);
    check(name + ": columns", "sparse_columns", dim3{column_blocks, 1, 1}, dim3{SPARSE_COLUMN_THREADS, 1, 1}, 0,
          {&column_offsets_in, &row_indices_in, &column_values_in, &residual_in, &mean, &inv, &row_sums_in, &d, &k,
           &sums_out},
          {region(sums)}, [&] {
              std::vector<double> expected;
              std::vector<double> magnitudes;
              reference_sums(p, expected, magnitudes);
              for (int q = 0; q <= width; q++) {
                  std::string problem = compare(q < width ? "gradient" : "loss", q, sums[q], expected[q],
                                                magnitudes[q] + 1e-3, SUM_TOLERANCE);
                  if (!problem.empty()) {
                      return problem;
                  }
              }
              return std::string();
          });
}

void check_sparse_kernels() {
    Random random(7);
    // every loss with and without weights and batches; rows around a block of 64; softmax of few and many classes;
    // a column-wide X (columns past one block of sparse_columns) and one row
    for (int loss : {DESCENT_LINEAR, DESCENT_LOGISTIC, DESCENT_HUBER, DESCENT_POISSON, DESCENT_SQUARED_HINGE, DESCENT_GRAM}) {
        check_sparse(random, 130, 9, 1, loss, loss % 2 == 0, false);
        check_sparse(random, 130, 9, 1, loss, loss % 2 == 1, true);
    }
    check_sparse(random, 1, 3, 1, DESCENT_LOGISTIC, false, false);
    check_sparse(random, 64, 300, 1, DESCENT_LINEAR, true, true);
    check_sparse(random, 1000, 20, 3, DESCENT_SOFTMAX, true, true);
    check_sparse(random, 65, 7, 65, DESCENT_SOFTMAX, false, false);
}

/* reduce_partials as CudaBackend.launchReduce launches it, against double sums of the partials. */
void check_reduce() {
    Random random(2);
    for (int groups : {1, 7, 9, 47, 1056}) {
        for (int width : {1, 2, 31, 32, 33, 65, 1025}) {
            // magnitudes spread over eight decades, signs mixed: what compensation is for
            std::vector<float> partial(static_cast<size_t>(groups) * width);
            for (float &value : partial) {
                value = random.uniform(-1, 1) * std::pow(10.0f, static_cast<float>(random.below(8)) - 4);
            }
            std::vector<float> partial_loss = randoms(random, groups, 0, 100);
            std::vector<float> sums = nans(width + 1);
            const float *in = partial.data(), *in_loss = partial_loss.data();
            float *out = sums.data();
            unsigned blocks = static_cast<unsigned>((width + 1 + REDUCE_COLUMNS - 1) / REDUCE_COLUMNS);
            check("reduce_partials groups=" + std::to_string(groups) + " width=" + std::to_string(width),
                  "reduce_partials", dim3{blocks, 1, 1}, dim3{REDUCE_COLUMNS, REDUCE_STRIPES, 1}, 0,
                  {&in, &in_loss, &groups, &width, &out}, {region(sums)}, [&] {
                      for (int q = 0; q <= width; q++) {
                          double expected = 0;
                          double magnitude = 0;
                          for (int g = 0; g < groups; g++) {
                              double value = q < width ? partial[static_cast<size_t>(g) * width + q] : partial_loss[g];
                              expected += value;
                              magnitude += std::fabs(value);
                          }
                          std::string problem = compare("sums", q, sums[q], expected, magnitude, COMPENSATED_TOLERANCE);
                          if (!problem.empty()) {
                              return problem;
                          }
                      }
                      return std::string();
                  });
        }
    }
}

/* update in its one block, against descent_update_parameter (update.h) applied serially, and double sums. */
void check_update() {
    Random random(3);
    const int shapes[][2] = {{1, 1}, {33, 1}, {300, 1}, {7, 3}, {100, 10}};
    int variant = 0;
    for (int kind = DESCENT_GD; kind <= DESCENT_ADAM; kind++) {
        for (const auto &shape : shapes) {
            int d = shape[0];
            int k = shape[1];
            int width = k * d + k;
            int penalized = k * d;
            int has_intercept = variant % 3 != 2 ? 1 : 0;
            bool lasso = variant % 2 == 1;
            variant++;
            std::vector<float> params = randoms(random, width, -1, 1);
            std::vector<float> first = randoms(random, width, -0.1f, 0.1f);
            std::vector<float> second = randoms(random, width, 0, 0.1f);
            std::vector<float> gradient = randoms(random, width + 1, -50, 50);
            std::vector<float> l2 = randoms(random, d, 0, 0.1f);
            std::vector<float> l1 = lasso ? randoms(random, d, 0, 0.05f) : std::vector<float>(d, 0.0f);
            std::vector<float> stats{std::nanf(""), std::nanf(""), 3.5f};
            descent_step_args args;
            memset(&args, 0, sizeof args);
            args.learning_rate = 0.05f;
            args.bias_one = 0.19f;
            args.bias_two = 0.002f;
            args.inv_weight_sum = 1.0f / 37;
            args.batch_rows = 37;
            float mu = 0.9f, beta1 = 0.9f, beta2 = 0.999f, rho = 0.95f, eps = 1e-8f;
            // the expected state: the shared per-parameter code, one parameter after another
            std::vector<float> want_params = params, want_first = first, want_second = second;
            double penalty = 0;
            double mapping = 0;
            double magnitude = 0;
            for (int q = 0; q < width; q++) {
                float one_penalty = 0;
                float one_mapping = 0;
                descent_update_parameter(q, want_params.data(), want_first.data(), want_second.data(), gradient.data(),
                                         args.inv_weight_sum, d, penalized, has_intercept, l2.data(), l1.data(), kind,
                                         args.learning_rate, mu, beta1, beta2, rho, eps, args.bias_one, args.bias_two,
                                         &one_penalty, &one_mapping);
                penalty += one_penalty;
                mapping += one_mapping;
                magnitude += std::fabs(one_penalty);
            }
            float *params_out = params.data(), *first_out = first.data(), *second_out = second.data(),
                  *stats_out = stats.data();
            const float *gradient_in = gradient.data(), *l2_in = l2.data(), *l1_in = l1.data();
            const descent_step_args *args_in = &args;
            check("update kind=" + std::to_string(kind) + " " + std::to_string(k) + "x" + std::to_string(d) +
                      (has_intercept ? "" : " no intercept") + (lasso ? " l1" : ""),
                  "update", dim3{1, 1, 1}, dim3{UPDATE_THREADS, 1, 1}, 0,
                  {&params_out, &first_out, &second_out, &gradient_in, &width, &d, &penalized, &has_intercept, &l2_in,
                   &l1_in, &kind, &mu, &beta1, &beta2, &rho, &eps, &args_in, &stats_out},
                  {region(params), region(first), region(second), region(stats)}, [&] {
                      if (memcmp(params.data(), want_params.data(), width * sizeof(float)) != 0 ||
                          memcmp(first.data(), want_first.data(), width * sizeof(float)) != 0 ||
                          memcmp(second.data(), want_second.data(), width * sizeof(float)) != 0) {
                          return std::string("parameters or optimizer state differ from update.h applied serially");
                      }
                      double objective = gradient[width] * static_cast<double>(args.inv_weight_sum) + penalty;
                      double objective_magnitude = std::fabs(gradient[width] * args.inv_weight_sum) + magnitude;
                      std::string problem = compare("stats", 0, stats[0], objective, objective_magnitude, SUM_TOLERANCE);
                      if (problem.empty()) {
                          problem = compare("stats", 1, stats[1], std::sqrt(mapping), std::sqrt(mapping), SUM_TOLERANCE);
                      }
                      if (problem.empty()) {
                          problem = compare("stats", 2, stats[2], 3.5 + objective * 37, 3.5 + objective_magnitude * 37,
                                            SUM_TOLERANCE);
                      }
                      return problem;
                  });
        }
    }
}

/* stream_read over X as CudaBackend.measureReadBandwidth launches it: its outputs add up to X's sum. */
void check_stream_read() {
    Random random(4);
    for (long long count4 : {1LL, 5LL, 1000LL, 33333LL}) {
        std::vector<float> x = randoms(random, static_cast<size_t>(count4) * 4, -1, 1);
        const int blocks = STREAM_BLOCKS_PER_SM * 4;  // four multiprocessors: the grid's stride loop, not its size, is checked
        std::vector<float> out = nans(static_cast<size_t>(blocks) * STREAM_THREADS);
        const float4 *in = reinterpret_cast<const float4 *>(x.data());
        float *out_pointer = out.data();
        check("stream_read floats=" + std::to_string(count4 * 4), "stream_read", dim3{static_cast<unsigned>(blocks), 1, 1},
              dim3{STREAM_THREADS, 1, 1}, 0, {&in, &count4, &out_pointer}, {region(out)}, [&] {
                  double expected = 0, magnitude = 0, got = 0;
                  for (float value : x) {
                      expected += value;
                      magnitude += std::fabs(value);
                  }
                  for (float value : out) {
                      got += value;
                  }
                  return compare("sum of outputs", 0, got, expected, magnitude, SUM_TOLERANCE);
              });
    }
}

/* The cublas baseline's three small kernels, launched as CublasBaseline does. */
void check_baseline() {
    Random random(5);
    for (int d : {1, 33, 300, 1025}) {
        std::vector<float> params = randoms(random, d + 1, -1, 1);
        std::vector<float> mean = randoms(random, d, -1, 1);
        std::vector<float> inv = randoms(random, d, 0.5f, 2);
        std::vector<float> u = nans(d);
        std::vector<float> offset = nans(1);
        const float *params_in = params.data(), *mean_in = mean.data(), *inv_in = inv.data();
        float *u_out = u.data(), *offset_out = offset.data();
        check("baseline_weights d=" + std::to_string(d), "baseline_weights", dim3{1, 1, 1}, dim3{BASELINE_THREADS, 1, 1}, 0,
              {&params_in, &mean_in, &inv_in, &d, &u_out, &offset_out}, {region(u), region(offset)}, [&] {
                  double dot = 0, magnitude = 0;
                  for (int j = 0; j < d; j++) {
                      double value = static_cast<double>(inv[j]) * params[j];
                      std::string problem = compare("u", j, u[j], value, std::fabs(value), ELEMENT_TOLERANCE);
                      if (!problem.empty()) {
                          return problem;
                      }
                      dot += mean[j] * value;
                      magnitude += std::fabs(mean[j] * value);
                  }
                  return compare("offset", 0, offset[0], params[d] - dot, std::fabs(params[d]) + magnitude, SUM_TOLERANCE);
              });
    }
    int variant = 0;
    for (int rows : {1, 300, 3001, 70000}) {
        int loss_kind = variant % 3 == 0 ? DESCENT_LOGISTIC : (variant % 3 == 1 ? DESCENT_LINEAR : DESCENT_HUBER);
        float parameter = loss_kind == DESCENT_HUBER ? 1.5f : 0.0f;
        int has_weights = variant % 2;
        variant++;
        int blocks = std::max(1, std::min(4 * MULTIPROCESSORS, (rows + BASELINE_THREADS - 1) / BASELINE_THREADS));
        std::vector<float> z = randoms(random, rows, -4, 4);
        const std::vector<float> z_in = z;
        std::vector<float> y(rows);
        for (float &label : y) {
            label = loss_kind == DESCENT_LOGISTIC ? static_cast<float>(random.below(2)) : random.uniform(-3, 3);
        }
        std::vector<float> s = randoms(random, rows, 0.25f, 2);
        std::vector<float> offset{0.25f};
        std::vector<float> block_loss = nans(blocks), block_residual = nans(blocks);
        float *z_out = z.data(), *loss_out = block_loss.data(), *residual_out = block_residual.data();
        const float *y_in = y.data(), *s_in = s.data(), *offset_in = offset.data();
        check("baseline_residual " + std::string(loss_name(loss_kind)) + " rows=" + std::to_string(rows) +
                  (has_weights ? " weighted" : ""),
              "baseline_residual", dim3{static_cast<unsigned>(blocks), 1, 1}, dim3{BASELINE_THREADS, 1, 1}, 0,
              {&z_out, &y_in, &s_in, &has_weights, &offset_in, &rows, &loss_kind, &parameter, &loss_out, &residual_out},
              {region(z), region(block_loss), region(block_residual)}, [&] {
                  double losses = 0, residuals = 0, loss_magnitude = 0, residual_magnitude = 0;
                  for (int i = 0; i < rows; i++) {
                      double loss;
                      double r = residual_of(loss_kind, parameter, static_cast<double>(z_in[i]) + offset[0], y[i],
                                             has_weights ? s[i] : 1.0, &loss);
                      std::string problem = compare("r", i, z[i], r, 1 + std::fabs(r), ELEMENT_TOLERANCE);
                      if (!problem.empty()) {
                          return problem;
                      }
                      losses += loss;
                      residuals += r;
                      loss_magnitude += std::fabs(loss);
                      residual_magnitude += std::fabs(r);
                  }
                  double got_loss = 0, got_residual = 0;
                  for (int b = 0; b < blocks; b++) {
                      got_loss += block_loss[b];
                      got_residual += block_residual[b];
                  }
                  std::string problem = compare("loss sum", 0, got_loss, losses, loss_magnitude + 1, SUM_TOLERANCE);
                  return problem.empty() ? compare("residual sum", 0, got_residual, residuals, residual_magnitude + 1,
                                                   SUM_TOLERANCE)
                                         : problem;
              });
    }
    for (int d : {1, 33, 1025}) {
        for (int blocks : {1, 13, 528}) {
            std::vector<float> raw = randoms(random, d, -10, 10);
            std::vector<float> mean = randoms(random, d, -1, 1);
            std::vector<float> inv = randoms(random, d, 0.5f, 2);
            std::vector<float> block_loss = randoms(random, blocks, 0, 5);
            std::vector<float> block_residual = randoms(random, blocks, -1, 1);
            std::vector<float> sums = nans(d + 2);
            const float *raw_in = raw.data(), *mean_in = mean.data(), *inv_in = inv.data(), *loss_in = block_loss.data(),
                        *residual_in = block_residual.data();
            float *sums_out = sums.data();
            check("baseline_sums d=" + std::to_string(d) + " blocks=" + std::to_string(blocks), "baseline_sums",
                  dim3{1, 1, 1}, dim3{BASELINE_THREADS, 1, 1}, 0,
                  {&raw_in, &mean_in, &inv_in, &loss_in, &residual_in, &blocks, &d, &sums_out}, {region(sums)}, [&] {
                      double loss = 0, residual = 0, loss_magnitude = 0, residual_magnitude = 0;
                      for (int b = 0; b < blocks; b++) {
                          loss += block_loss[b];
                          residual += block_residual[b];
                          loss_magnitude += std::fabs(block_loss[b]);
                          residual_magnitude += std::fabs(block_residual[b]);
                      }
                      for (int j = 0; j < d; j++) {
                          double expected = inv[j] * (raw[j] - mean[j] * residual);
                          double magnitude = std::fabs(inv[j]) * (std::fabs(raw[j]) + std::fabs(mean[j]) * residual_magnitude);
                          std::string problem = compare("sums", j, sums[j], expected, magnitude, SUM_TOLERANCE);
                          if (!problem.empty()) {
                              return problem;
                          }
                      }
                      std::string problem = compare("sums", d, sums[d], residual, residual_magnitude, SUM_TOLERANCE);
                      return problem.empty() ? compare("sums", d + 1, sums[d + 1], loss, loss_magnitude, SUM_TOLERANCE)
                                             : problem;
                  });
        }
    }
}

/*
 * Negative controls: kernels with the mistakes the checks exist for. Each must be caught, or the checks
 * prove nothing. They are written here, in CUDA's own spelling, and never built for a GPU.
 */
__global__ void control_missing_barrier(float *out) {
    DESCENT_EMU_SHARED(float, values, [64]);
    values[threadIdx.x] = static_cast<float>(threadIdx.x);
    // a barrier belongs here: thread t reads what thread t + 1 writes
    out[threadIdx.x] = values[(threadIdx.x + 1) % 64];
}
__global__ void control_partial_mask(float *out) {
    out[threadIdx.x] = __shfl_xor_sync(0xffffu, 1.0f, 1);
}
__global__ void control_divergent_barriers(float *out) {
    if (threadIdx.x < 32) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    out[threadIdx.x] = 0.0f;
}
__global__ void control_shuffle_half_the_warp(float *out) {
    float value = 1.0f;
    if (threadIdx.x % 32 < 16) {
        value = __shfl_sync(DESCENT_FULL_WARP, value, 0);
    }
    out[threadIdx.x] = value;
}
__global__ void control_exit_before_barrier(float *out) {
    if (threadIdx.x == 5) {
        return;
    }
    __syncthreads();
    out[threadIdx.x] = 0.0f;
}
__global__ void control_unwritten_shared(float *out) {
    DESCENT_EMU_SHARED(float, values, [64]);
    if (threadIdx.x < 63) {
        values[threadIdx.x] = 1.0f;
    }
    __syncthreads();
    out[threadIdx.x] = values[63 - threadIdx.x];
}
__global__ void control_read_past_a_buffer(const float *in, float *out) {
    out[threadIdx.x] = in[threadIdx.x + 1];
}
DESCENT_EMU_KERNEL(control_missing_barrier);
DESCENT_EMU_KERNEL(control_partial_mask);
DESCENT_EMU_KERNEL(control_divergent_barriers);
DESCENT_EMU_KERNEL(control_shuffle_half_the_warp);
DESCENT_EMU_KERNEL(control_exit_before_barrier);
DESCENT_EMU_KERNEL(control_unwritten_shared);
DESCENT_EMU_KERNEL(control_read_past_a_buffer);

/* Each control through check(), which must report it: "PASS control ..." when it does, FAIL when not. */
void check_controls() {
    for (const char *kernel : {"control_missing_barrier", "control_partial_mask", "control_divergent_barriers",
                               "control_shuffle_half_the_warp", "control_exit_before_barrier",
                               "control_unwritten_shared"}) {
        std::vector<float> out(64, 0.0f);
        float *out_pointer = out.data();
        int failed_before = cases_failed;
        std::string saved = selected;
        selected = "";
        printf("(control) ");
        check(kernel, kernel, dim3{1, 1, 1}, dim3{64, 1, 1}, 0, {&out_pointer}, {region(out)}, [&] {
            for (float value : out) {
                if (std::isnan(value)) {
                    return std::string("an output is NaN: a read of unwritten memory");
                }
            }
            return std::string();
        });
        selected = saved;
        // the control's FAIL line is the expected outcome: count it as caught, and say so
        bool caught = cases_failed > failed_before;
        cases_failed = failed_before + (caught ? 0 : 1);
        printf("%s control %s\n", caught ? "PASS" : "FAIL", caught ? (std::string(kernel) + " was caught").c_str()
                                                                   : (std::string(kernel) + ": not caught").c_str());
    }
}

/* Reads one float past its input: under AddressSanitizer the process must stop with a report. */
int read_past_a_buffer() {
    std::vector<float> in(64, 1.0f);
    std::vector<float> out(64, 0.0f);
    const float *in_pointer = in.data();
    float *out_pointer = out.data();
    std::vector<void *> arguments{&in_pointer, &out_pointer};
    const descent_emu::Kernel *kernel = descent_emu::find_kernel("control_read_past_a_buffer");
    descent_emu::run(dim3{1, 1, 1}, dim3{64, 1, 1}, 0, descent_emu::Order(), [&] { kernel->invoke(arguments.data()); });
    printf("read past a buffer: not caught\n");
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--read-past-a-buffer") == 0) {
        return read_past_a_buffer();
    }
    if (argc > 1 && strcmp(argv[1], "--controls") == 0) {
        check_controls();
        printf("%d controls, %d not caught\n", 6, cases_failed);
        return cases_failed == 0 ? 0 : 1;
    }
    selected = argc > 1 ? argv[1] : "";
    check_fused_kernels();
    check_sparse_kernels();
    check_reduce();
    check_update();
    check_stream_read();
    check_baseline();
    printf("%d cases, %d failed\n", cases_run, cases_failed);
    return cases_failed == 0 && cases_run > 0 ? 0 : 1;
}
