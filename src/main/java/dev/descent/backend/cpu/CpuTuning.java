package dev.descent.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The cpu backend's tunables in one place: vector width, chunk and block sizes, and the row widths
 * where one kernel hands over to another. Each says why in a line and names the run that chose it
 * (bench/results, indexed in bench/results/INDEX.md, where the numbers are).
 */
final class CpuTuning {
    private CpuTuning() {
    }

    /** In a method of its own, so that this class loads without jdk.incubator.vector. */
    private static VectorSpecies<Float> species() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    }

    /**
     * 256-bit vectors even where 512 are available: Zen 4 runs 512 bits as two halves, and the
     * per-row horizontal sum is half as long (faster at both benchmark shapes, 2026-11-23-wide-rows).
     */
    static final VectorSpecies<Float> SPECIES = VectorSupport.AVAILABLE ? species() : null;

    /**
     * Floats per vector. Without the Vector API ({@link VectorSupport}) the scalar twins run alone and
     * take eight lanes, so their results are the bits of a 256-bit machine's kernels.
     */
    static final int LANES = VectorSupport.AVAILABLE ? SPECIES.length() : 8;

    /**
     * Rows summed in float32 before the fold into double: the fold costs under 1% of a chunk's work,
     * and the float sums' relative rounding stays near 128 * 2^-24.
     */
    static final int ROWS_PER_CHUNK = 128;

    /**
     * Rows at least this wide go one at a time, narrower ones four at a time sharing the loads of w
     * and of the accumulator: one at a time won in every paired run from d = 128 on (2026-11-23-one-row).
     * The two paths sum a row in different fixed orders, so each is bit-reproducible.
     */
    static final int ONE_ROW_FROM_FEATURES = 128;

    /**
     * Rows of at most eight vectors (and wider than {@link #NARROW_FROM_FEATURES}) go through the
     * register kernels, weights and gradient in sixteen registers: 1.05-1.22x on two threads
     * (2026-11-23-narrow).
     */
    static final int NARROW_VECTORS = 8;

    static final int NARROW_FLOATS = NARROW_VECTORS * LANES;

    /** Below half of eight vectors a register-kernel row would do twice the arithmetic it needs: four-row path. */
    static final int NARROW_FROM_FEATURES = NARROW_FLOATS / 2;

    /**
     * Logistic rows per group of the lane math: two vectors, so that two 80-cycle exp/log1p chains
     * overlap (1.12-1.31x against one, 2026-11-23-lanes).
     */
    static final int LANE_GROUP = 2 * LANES;

    /**
     * Rows per tile of the softmax kernel: four rows' x vectors, two classes' W vectors and their eight
     * sums fill fourteen of AVX2's sixteen vector registers (bench/results/2026-12-05-softmax-tiles).
     */
    static final int SOFTMAX_ROW_TILE = 4;

    /** X bytes per block of a short pass: many blocks to share between the cores. */
    static final int BLOCK_BYTES = 1 << 18;

    /**
     * X bytes per block (and at least {@link #LONG_BLOCK_ROWS} rows) where the pass keeps
     * {@link #LONG_BLOCK_MIN_BLOCKS} of them: fewer partials to sum and fewer restarts of the memory
     * stream, 1.01-1.09x (2026-11-24-wide-blocks).
     */
    static final int LONG_BLOCK_BYTES = 1 << 20;

    static final int LONG_BLOCK_ROWS = 4 * ROWS_PER_CHUNK;

    /** Blocks a pass keeps at least, so that a slow core still has others to share with. */
    static final int LONG_BLOCK_MIN_BLOCKS = 16;

    /** Cap on the doubles held by block partials (16 MiB), which bounds the reduction at wide softmax shapes. */
    static final int MAX_PARTIAL_VALUES = 1 << 21;

    /** One cache line of slack at the end of each per-worker array, so that two workers never share a line. */
    static final int LINE_SLACK_FLOATS = 16;

    static final int LINE_SLACK_DOUBLES = 8;

    /**
     * Sparse passes ({@link SparsePass}): the segments' dense gradient accumulators may take at most this
     * share of the CSR arrays' bytes, which keeps a fit within 1.2x of them; their final sum then costs
     * at most this share of the pass's scatter work, too.
     */
    static final double SEGMENT_MEMORY_SHARE = 1.0 / 8;

    /** A sparse segment has at least this many non-zeros: below it the pool's hand-off costs more than the rows. */
    static final long MIN_SEGMENT_NON_ZEROS = 1 << 15;

    /** The most segments a sparse pass is cut into: enough to share among 16 cores four ways. */
    static final int MAX_SPARSE_SEGMENTS = 64;

    /**
     * Rows of a sparse tile: their gathers of w, then their scatters, so that more rows' cache misses can be
     * in flight at once; 64 rows of 40 non-zeros still fit L1 for the scatter. A bare loop in tiles of 64
     * against row by row: 0.93-0.97x the time (bench/results/2026-12-05-sparse), a small gain.
     */
    static final int SPARSE_ROW_TILE = 64;
}
