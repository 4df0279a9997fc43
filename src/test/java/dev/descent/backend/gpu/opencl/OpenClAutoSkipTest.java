package dev.descent.backend.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** auto's rule for OpenCL: a PoCL-only install is passed over without loading it; any other driver is probed. */
class OpenClAutoSkipTest {
    @Test
    void aPoclOnlyInstallIsNotLoadedByAuto() {
        String reason = OpenClDevices.autoSkipReason(List.of("libpocl.so.2.10.0"));
        assertTrue(reason != null && reason.contains("PoCL") && reason.contains("--backend opencl"), reason);
    }

    @Test
    void anyOtherDriverOrNoneIsProbed() {
        assertNull(OpenClDevices.autoSkipReason(List.of("libpocl.so.2", "libnvidia-opencl.so.1")), "a GPU driver beside PoCL");
        assertNull(OpenClDevices.autoSkipReason(List.of("libamdocl64.so")), "a GPU driver alone");
        assertNull(OpenClDevices.autoSkipReason(List.of()), "no driver at all");
    }
}
