package dev.descent.backend.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CUDA backend's kernel dispatch at every boundary, with no GPU: the shapes each kernel takes are the ones it was written and checked for. */
class FusedKernelChoiceTest {
    /** An H100's or H200's opt-in shared memory a block (227 KiB). */
    static final int HOPPER_SHARED_BYTES = 232_448;

    static FusedKernelChoice choose(int features, int outputs, String kernels) {
        return FusedKernelChoice.choose(features, outputs, HOPPER_SHARED_BYTES, "test GPU", kernels);
    }

    @ParameterizedTest(name = "d={0} k={1} {2}: {3}")
    @CsvSource({
        // one output: fused_narrow by register width up to 1,024 features, then fused_tiled up to 8,192
        "1, 1, auto, fused_narrow_1", "32, 1, auto, fused_narrow_1", "33, 1, auto, fused_narrow_2",
        "65, 1, auto, fused_narrow_4", "1024, 1, auto, fused_narrow_32", "1025, 1, auto, fused_tiled_8",
        "8192, 1, auto, fused_tiled_32", "8193, 1, auto, fused_wide",
        // several outputs: fused_softmax up to 128 features and its classes, then fused_tiled, then fused_wide
        "1, 2, auto, fused_softmax_1", "32, 16, auto, fused_softmax_1", "32, 17, auto, fused_tiled_1",
        "64, 10, auto, fused_softmax_2", "64, 16, auto, fused_softmax_2", "65, 8, auto, fused_softmax_4",
        "128, 8, auto, fused_softmax_4", "65, 9, auto, fused_tiled_1", "129, 2, auto, fused_tiled_1",
        "784, 10, auto, fused_tiled_4", "784, 16, auto, fused_tiled_4", "784, 17, auto, fused_wide",
        "5, 64, auto, fused_tiled_1", "5, 65, auto, fused_wide", "8192, 2, auto, fused_tiled_32", "3, 1000, auto, fused_wide",
        // the kernels a newer one replaced, for the benchmark: tiled skips fused_softmax only, wide takes everything
        "64, 10, tiled, fused_tiled_1", "64, 1, tiled, fused_narrow_2", "784, 10, tiled, fused_tiled_4",
        "64, 10, wide, fused_wide", "64, 1, wide, fused_wide", "784, 10, wide, fused_wide"})
    void eachShapeGoesToTheKernelWrittenForIt(int features, int outputs, String kernels, String expected) {
        FusedKernelChoice choice = choose(features, outputs, kernels);
        assertEquals(expected, choice.name());
        switch (choice.family()) {
            case NARROW, SOFTMAX -> {
                assertEquals(FusedKernelChoice.NARROW_THREADS, choice.threads());
                assertEquals(0, choice.sharedBytes());
            }
            case TILED -> {
                assertEquals(FusedKernelChoice.TILED_THREADS, choice.threads());
                assertTrue(choice.tileRows() >= 1 && choice.tileRows() <= FusedKernelChoice.TILED_MAX_TILE_ROWS);
                assertEquals(Float.BYTES * choice.tileRows() * (features + outputs + 2), choice.sharedBytes());
                assertTrue(choice.sharedBytes() <= FusedKernelChoice.TILED_SHARED_BYTES, "within the tile's budget");
            }
            case WIDE -> {
                assertEquals(FusedKernelChoice.WIDE_THREADS, choice.threads());
                assertEquals(FusedKernelChoice.wideSharedBytes(outputs), choice.sharedBytes());
            }
        }
    }

    @Test
    void tilesHoldAsManyRowsAsTheirBudgetAllows() {
        assertEquals(30, choose(784, 10, "auto").tileRows(), "96 KiB / (4 x 796 bytes)");
        assertEquals(2, choose(8192, 2, "auto").tileRows());
        assertEquals(FusedKernelChoice.TILED_MAX_TILE_ROWS, choose(129, 2, "auto").tileRows());
        // a device with 48 KiB a block gets smaller tiles of the same kernel
        FusedKernelChoice small = FusedKernelChoice.choose(784, 10, 48 * 1024, "small GPU", "auto");
        assertEquals("fused_tiled_4", small.name());
        assertEquals((48 * 1024 - FusedKernelChoice.TILED_STATIC_SHARED_BYTES) / (4 * 796), small.tileRows());
    }

    @Test
    void classesNoKernelHoldsAreRefusedNamingTheDevice() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> FusedKernelChoice.choose(3, 4000, 48 * 1024, "small GPU", "auto"));
        assertTrue(e.getMessage().contains("4000 classes") && e.getMessage().contains("small GPU")
                && e.getMessage().contains("use the cpu backend"), e.getMessage());
    }

    @Test
    void anUnknownKernelsValueIsRefused() {
        String previous = System.setProperty(FusedKernelChoice.KERNELS_PROPERTY, "fastest");
        try {
            InvalidInputException e = assertThrows(InvalidInputException.class, FusedKernelChoice::chosenKernels);
            assertEquals("-Ddescent.cuda.kernels takes auto, tiled or wide, not fastest", e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(FusedKernelChoice.KERNELS_PROPERTY);
            } else {
                System.setProperty(FusedKernelChoice.KERNELS_PROPERTY, previous);
            }
        }
    }
}
