package dev.descent.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The cpu backend's tunables in one place: vector width, chunk and block sizes, and the row widths
 * where one kernel hands over to another. Each says why, with the run that chose it (bench/results,
 * indexed in bench/results/INDEX.md).
 */
final class CpuTuning {
    private CpuTuning() {
    }

    /**
     * 256-bit vectors even where 512 are available: on this project's AMD EPYC (Zen 4, which runs a
     * 512-bit operation as two 256-bit halves) the 256-bit step was faster at both benchmark shapes
     * (1,000,000 x 64 linear, one thread: 13.0 against 18.0 ms; 50,000 x 1,024: 15.4 against 18.2 ms),
     * because the per-row horizontal sum of the dot product is half as long. See bench/results.
     * Re-checked at 50,000 x 1,024 after the later kernel work: 512 bits 1.49-2.15x the read against
     * 1.14-1.31x (bench/results/2026-11-23-wide-rows/W512.java).
     */
    static final VectorSpecies<Float> SPECIES =
            FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;

    static final int LANES = SPECIES.length();

    /**
     * Rows whose gradient contributions are summed in float32 before being folded into double:
     * the fold costs d adds per chunk (under 1% of a chunk's 2 d flops per row at 128 rows), and the
     * float sums stay short, so their relative rounding stays near 128 * 2^-24 in the worst case.
     */
    static final int ROWS_PER_CHUNK = 128;

    /**
     * Rows at least this wide go through the block one at a time; narrower ones four at a time.
     * Four rows share each load of w and each load and store of the accumulator, which pays where
     * a row is a few vectors and per-row overheads dominate (d = 32, 64; and logistic, whose rows
     * then go {@link #LANE_GROUP} at a time so that their exp and log1p run on vectors). From d = 128 on, one row at a time was faster in every
     * paired run (two threads, ratio of step to streaming read): 1.42-1.71 against 2.71-2.77 at
     * 500,000 x 128 linear, 2.43-2.66 against 4.01-4.36 logistic, 1.33-2.02 against 2.98-3.12 at
     * 250,000 x 256, 1.40-1.90 against 1.73-2.21 at 50,000 x 1,024 (bench/results/2026-11-23-one-row).
     * The two paths sum a row's products in different orders (a lone row keeps four running sums,
     * see {@link VectorOps#dot}), each fixed, so a step is still bit-identical from run to run; a lone
     * logistic row takes Math.exp and Math.log in double where grouped rows take
     * {@link LaneMath#logisticLanes} in float32.
     */
    static final int ONE_ROW_FROM_FEATURES = 128;

    /**
     * Rows of at most this many floats (eight vectors; 64 at 256 bits), and wider than
     * {@link #NARROW_FROM_FEATURES}, go through the register kernels ({@link RegisterKernels#narrowBlock},
     * {@link RegisterKernels#narrowLogisticBlock}): the weights and the chunk's gradient stay in sixteen vector
     * registers, so a row costs its loads and its FMAs and no load and store of an accumulator
     * array. One thread, 1,000,000 x 64 from memory, the kernel alone: 10.2-11.4 ns a row against
     * 14.5-15.7 for the four-row path, the streaming read 11.5-12; the linear step 1.05-1.22x faster
     * with two threads (bench/results/2026-11-23-narrow).
     */
    static final int NARROW_VECTORS = 8;

    static final int NARROW_FLOATS = NARROW_VECTORS * LANES;

    /**
     * Narrower rows keep the four-row path: a narrow row still costs eight vectors of work, so below
     * half of them the register kernel would do more than twice the arithmetic the row needs.
     */
    static final int NARROW_FROM_FEATURES = NARROW_FLOATS / 2;

    /**
     * Logistic rows go through {@link LaneMath#logisticLanes} this many at a time, as two vectors whose
     * loss and residual are computed by two calls back to back: each call is a dependency chain of
     * about 80 cycles (exp, a division, log1p), and the second call's chain runs beside the first's
     * instead of after the next group's dot products. Against one vector a group: 1.12x faster at
     * 3,072 x 64 (in L2, one thread), 1.16-1.31x at 8,192 x 24 (bench/results/2026-11-23-lanes).
     */
    static final int LANE_GROUP = 2 * LANES;

    /** X bytes per block of a small pass (at least one chunk of rows): many blocks to share between the cores. */
    static final int BLOCK_BYTES = 1 << 18;

    /**
     * X bytes per block of a pass with rows for {@link #LONG_BLOCK_MIN_BLOCKS} such blocks, and at
     * least {@link #LONG_BLOCK_ROWS} rows. Every block costs a double partial of d + 1 values (cleared,
     * filled, and summed by the calling thread alone after the pass), a claim and a fresh start of
     * the memory stream. At 50,000 x 1,024, blocks of 128 rows left 391 partials, 3.2 MB that took
     * 0.15 ms of a 7 ms step to sum; with 512 rows the step was 1.04-1.09x faster (1,024 rows no
     * better than 512). At 1,000,000 x 64, 1 MiB blocks against 256 KiB: 1.01-1.05x (8 of 8
     * comparisons faster; the streaming read 0.98-1.00x, so the floor that the benchmarks report
     * against claims pieces the same way, see StreamingRead). Summing the partials on both workers
     * instead was slower (0.21 against 0.15 ms: each worker's partials sit in its own L2).
     * bench/results/2026-11-24-wide-blocks.
     */
    static final int LONG_BLOCK_BYTES = 1 << 20;

    static final int LONG_BLOCK_ROWS = 4 * ROWS_PER_CHUNK;

    /** Blocks a pass keeps at least, so that a slow core still has others to share with; see {@link #LONG_BLOCK_BYTES}. */
    static final int LONG_BLOCK_MIN_BLOCKS = 16;

    /** Cap on the doubles held by block partials (16 MiB), which bounds the reduction at wide softmax shapes. */
    static final int MAX_PARTIAL_VALUES = 1 << 21;

    /**
     * Unused slots at the end of every per-worker scratch array, one cache line's worth. The arrays
     * of different workers are allocated side by side and written on every row; without the slack
     * the end of one worker's array can share a cache line with the start of the next one's, and
     * the two cores would pass that line back and forth (false sharing) depending on where the
     * allocator put them.
     */
    static final int LINE_SLACK_FLOATS = 16;

    static final int LINE_SLACK_DOUBLES = 8;
}
