package dev.descent.backend.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.InvalidInputException;
import dev.descent.backend.Availability;
import dev.descent.backend.Backends;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What of the CUDA backend can be checked on any machine: the PTX that the build made (nvcc and
 * ptxas ran in generate-resources), the reason it gives where it cannot run, auto's fallback, and the
 * memory check's arithmetic. The GPU tests are CudaBackendTest beside it.
 */
class CudaWithoutGpuTest {
    /** Entry points CudaBackend looks up, per module. */
    static final List<List<String>> ENTRY_POINTS = List.of(
            List.of("fused_step", "fused_narrow_1", "fused_narrow_2", "fused_narrow_4", "fused_narrow_8", "fused_narrow_16",
                    "fused_narrow_32", "fused_softmax_1", "fused_softmax_2", "fused_softmax_4", "fused_tiled_1", "fused_tiled_2", "fused_tiled_4", "fused_tiled_8", "fused_tiled_16",
                    "fused_tiled_32", "fused_wide"),
            List.of("reduce_partials", "reduce_partials", "stream_read"),
            List.of("update", "update"),
            List.of("cublas_baseline", "baseline_weights", "baseline_residual", "baseline_sums"),
            List.of("sparse_step", "sparse_centre", "sparse_clear", "sparse_rows", "sparse_columns"));

    @Test
    void theBuildCarriesPtxWithEveryEntryPointForTheLowestTarget() throws IOException {
        boolean required = System.getenv("DESCENT_REQUIRE_PTX") != null;
        assumeTrue(required || CudaDevices.hasKernels(), "this build has no PTX: nvcc was not on the PATH");
        for (List<String> module : ENTRY_POINTS) {
            String ptx;
            try (InputStream in = getClass().getResourceAsStream("/kernels/ptx/" + module.get(0) + ".ptx")) {
                assertTrue(in != null, module.get(0) + ".ptx is missing although DESCENT_REQUIRE_PTX is set");
                ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            assertTrue(ptx.contains(".target sm_75"), module.get(0) + ": lowest target sm_75");
            assertFalse(ptx.contains(".f64"), module.get(0) + ": no double-precision instruction");
            for (String entry : module.subList(1, module.size())) {
                assertTrue(ptx.contains(".entry " + entry + "("), module.get(0) + " has no entry " + entry);
            }
            byte[] fatbin;
            try (InputStream in = getClass().getResourceAsStream("/kernels/ptx/" + module.get(0) + ".fatbin")) {
                assertTrue(in != null, module.get(0) + ".fatbin is missing although DESCENT_REQUIRE_PTX is set");
                fatbin = in.readAllBytes();
            }
            // a fatbin (magic 0xBA55ED50, little-endian) carrying the same PTX, uncompressed, as the fallback
            assertEquals(0xBA55ED50, ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN).getInt(0), module.get(0) + ".fatbin");
            String text = new String(fatbin, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains(".target sm_75"), module.get(0) + ".fatbin carries the compute_75 PTX");
            for (String entry : module.subList(1, module.size())) {
                assertTrue(text.contains(".entry " + entry + "("), module.get(0) + ".fatbin has no entry " + entry);
            }
        }
    }

    @Test
    void withoutAGpuTheBackendSaysWhyAndAutoFallsBack() {
        Availability availability = new CudaBackend.Provider().availability();
        assumeTrue(!availability.available(), "a CUDA GPU is here; native-test covers it");
        assertFalse(availability.reason().isBlank());
        assertTrue(availability.reason().contains("driver") || availability.reason().contains("PTX"), availability.reason());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Backends.open("cuda"));
        assertEquals("backend cuda is unavailable: " + availability.reason(), e.getMessage());
        // the first failure is remembered: asking again gives the same reason, not NoClassDefFoundError
        assertEquals(availability.reason(), new CudaBackend.Provider().availability().reason());
        assertEquals(availability.reason(), new CudaBackend.CublasProvider().availability().reason());
        Backends.Selection auto = Backends.open("auto");
        try {
            assertTrue(auto.explanation().contains("cuda: " + availability.reason()), auto.explanation());
        } finally {
            auto.backend().close();
        }
    }

    @Test
    void withoutCublas12TheBaselineSaysWhatItNeeds() {
        String reason = CudaDevices.cublasUnavailableReason();
        assumeTrue(reason != null, "cuBLAS 12 loads here");
        assertTrue(reason.contains("libcublas.so.12") && reason.contains("LD_LIBRARY_PATH"), reason);
        assertEquals(reason, CudaDevices.cublasUnavailableReason(), "the first failure is remembered");
    }

    @Test
    void loaderMessagesAreCutToTheMissingLibrary() {
        String message = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\nOperating system name: Linux\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open "
                + "shared object file: No such file or directory\n\tat java.base/...";
        assertEquals("libcuda.so.1: cannot open shared object file: No such file or directory", CudaDevices.linkFailure(message));
        assertEquals("first line", CudaDevices.linkFailure("first line\nsecond"));
    }

    @Test
    void dataLargerThanTheDeviceIsRefusedWithTheSizes() {
        long gib = 1L << 30;
        String message = CudaBackend.memoryShortfall("H100", 200_000_000, 512, 513, 1024, 0, 70 * gib, 80 * gib);
        assertTrue(message != null && message.contains("X (200,000,000 x 512 float32) needs 390,625 MiB")
                && message.contains("71,680 MiB free of 81,920 MiB"), message);
        assertNull(CudaBackend.memoryShortfall("H100", 1_000_000, 64, 65, 1024, 0, 70 * gib, 80 * gib));
        // what fits by its sizes alone, but not with every buffer rounded up to the driver's granule
        long exact = CudaBackend.stepBytes(1000, 64, 65, 1024) + (long) CudaBackend.ARGS_BYTES * CudaBackend.ARGS_SLOTS;
        assertTrue(CudaBackend.memoryShortfall("H100", 1000, 64, 65, 1024, 0, exact, 80 * gib) != null,
                "allocation granularity is counted");
        long withGranules = exact + CudaBackend.MAX_BUFFERS * CudaBackend.ALLOCATION_GRANULARITY;
        assertNull(CudaBackend.memoryShortfall("H100", 1000, 64, 65, 1024, 0, withGranules, 80 * gib));
        // the cublas baseline's own buffers (an n-float vector among them) count too
        long baseline = CublasBaseline.deviceBytes(1000, 64, 132);
        assertTrue(baseline >= 4L * 1000, "the baseline holds X u, one float a row");
        assertTrue(CudaBackend.memoryShortfall("H100", 1000, 64, 65, 1024, baseline, withGranules, 80 * gib) != null);
    }

    @Test
    void versionsReadAsCudaWritesThem() {
        assertEquals("13.0", CudaDevices.versionText(13000));
        assertEquals("12.8", CudaDevices.versionText(12080));
    }
}
