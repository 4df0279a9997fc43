package dev.descent.backend.gpu.cuda;

import dev.descent.InvalidInputException;
import java.util.Locale;

/**
 * Which kernel of fused_step.cu runs a dense problem's fused pass, and its launch geometry: the dispatch and
 * its thresholds in one place. It calls no driver, so every boundary is tested without a GPU
 * (FusedKernelChoiceTest); CudaBackend looks the function up and launches it.
 *
 * <ul>
 *   <li>{@code fused_narrow_C}: one output and d <= 1,024 (C = the columns a lane holds, a power of two).</li>
 *   <li>{@code fused_softmax_C}: several outputs, d <= 128 and k within its classes (16, or 8 at C = 4).</li>
 *   <li>{@code fused_tiled_C}: where its registers hold the gradient (d <= 256 C, k <= 64 / C) and a tile of
 *       rows fits its shared memory.</li>
 *   <li>{@code fused_wide}: the rest, as long as a block's shared memory holds its residuals.</li>
 * </ul>
 *
 * @param family      the kernel family
 * @param name        the entry point (fused_narrow_4, fused_softmax_2, fused_tiled_8, fused_wide)
 * @param threads     threads a block
 * @param sharedBytes dynamic shared memory a block
 * @param tileRows    fused_tiled's rows a tile (0 for the other families)
 */
record FusedKernelChoice(Family family, String name, int threads, int sharedBytes, int tileRows) {
    /** The kernel families, in the order the choice tries them. */
    enum Family { NARROW, SOFTMAX, TILED, WIDE }

    /** Threads a block of fused_narrow and fused_softmax (8 warps), and of fused_wide (the OpenCL LOCAL). */
    static final int NARROW_THREADS = 256;
    static final int WIDE_THREADS = 64;
    /** fused_wide's rows a sub-block (fused_step.h's SUB). */
    static final int SUB = 16;
    /** Widest model fused_narrow takes (32 lanes x 32 columns in registers). */
    static final int NARROW_MAX_FEATURES = 1024;
    /**
     * fused_softmax: its widest rows (32 lanes x 4 columns), and the classes each register width holds
     * (fused_step.cu's DESCENT_FUSED_SOFTMAX lines: 16 up to 2 columns a lane, 8 at 4).
     */
    static final int SOFTMAX_MAX_CHUNKS = 4;
    static final int SOFTMAX_CLASSES = 16;
    static final int SOFTMAX_CLASSES_AT_MAX_CHUNKS = 8;
    /**
     * fused_tiled: threads a block; the gradient accumulators a thread holds (its C columns times the
     * classes); the widest rows (256 threads x 32 columns); the dynamic shared memory a tile may take
     * (two blocks on an H100's 228 KiB); its most rows; and its static shared memory (the loss's warp sums).
     */
    static final int TILED_THREADS = 256;
    static final int TILED_ACCUMULATORS = 64;
    static final int TILED_MAX_COLUMNS = 32;
    static final int TILED_SHARED_BYTES = 96 * 1024;
    static final int TILED_MAX_TILE_ROWS = 32;
    static final int TILED_STATIC_SHARED_BYTES = 1024;
    /**
     * The system property that brings back the kernels the newer ones replaced, so that the GPU benchmark
     * can time them side by side: {@code tiled} passes fused_softmax over (fused_tiled takes its shapes),
     * {@code wide} runs fused_wide for every problem; {@code auto}, the default, chooses by shape.
     */
    static final String KERNELS_PROPERTY = "descent.cuda.kernels";

    /**
     * The kernel for a problem of {@code features} columns and {@code outputs} outputs on a device whose
     * blocks may take {@code sharedMemoryPerBlock} bytes; {@code kernels} is {@link #chosenKernels()}'s value.
     * Refuses, naming the device, a problem whose classes no kernel can hold.
     */
    static FusedKernelChoice choose(int features, int outputs, int sharedMemoryPerBlock, String deviceName, String kernels) {
        boolean wideOnly = kernels.equals("wide");
        int chunks = powerOfTwoAtLeast(features, 32);
        if (!wideOnly && outputs == 1 && features <= NARROW_MAX_FEATURES) {
            return new FusedKernelChoice(Family.NARROW, "fused_narrow_" + chunks, NARROW_THREADS, 0, 0);
        }
        if (kernels.equals("auto") && outputs > 1 && chunks <= SOFTMAX_MAX_CHUNKS
                && outputs <= (chunks == SOFTMAX_MAX_CHUNKS ? SOFTMAX_CLASSES_AT_MAX_CHUNKS : SOFTMAX_CLASSES)) {
            return new FusedKernelChoice(Family.SOFTMAX, "fused_softmax_" + chunks, NARROW_THREADS, 0, 0);
        }
        int tiledColumns = powerOfTwoAtLeast(features, TILED_THREADS);
        int tiledBudget = Math.min(TILED_SHARED_BYTES, sharedMemoryPerBlock - TILED_STATIC_SHARED_BYTES);
        int tileRows = Math.min(TILED_MAX_TILE_ROWS, tiledBudget / (Float.BYTES * (features + outputs + 2)));
        if (!wideOnly && tiledColumns <= TILED_MAX_COLUMNS && outputs <= TILED_ACCUMULATORS / tiledColumns && tileRows >= 1) {
            return new FusedKernelChoice(Family.TILED, "fused_tiled_" + tiledColumns, TILED_THREADS,
                    Float.BYTES * tileRows * (features + outputs + 2), tileRows);
        }
        int wideBytes = wideSharedBytes(outputs);
        // the static row indices and weights of a sub-block come on top (fused_wide's row_index, weight)
        if (wideBytes + Float.BYTES * SUB * 2 > sharedMemoryPerBlock) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "%d classes need %,d bytes of shared memory per block on %s, which allows %,d; use the cpu backend",
                    outputs, wideBytes, deviceName, sharedMemoryPerBlock));
        }
        return new FusedKernelChoice(Family.WIDE, "fused_wide", WIDE_THREADS, wideBytes, 0);
    }

    /** fused_wide's dynamic shared memory for k outputs: SUB x WIDE_THREADS dot products, then SUB x k residuals. */
    static int wideSharedBytes(int k) {
        return Float.BYTES * SUB * (WIDE_THREADS + k);
    }

    /** {@link #KERNELS_PROPERTY}'s value: auto, tiled or wide; any other is refused. */
    static String chosenKernels() {
        String value = System.getProperty(KERNELS_PROPERTY, "auto");
        return switch (value) {
            case "auto", "tiled", "wide" -> value;
            default -> throw new InvalidInputException("-D" + KERNELS_PROPERTY + " takes auto, tiled or wide, not " + value);
        };
    }

    /** The least power of two C with {@code width} x C >= features. */
    private static int powerOfTwoAtLeast(int features, int width) {
        int count = 1;
        while ((long) width * count < features) {
            count *= 2;
        }
        return count;
    }
}
