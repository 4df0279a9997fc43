package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a sparse pass is cut into segments; the sums themselves are checked in SparseSumsTest. */
class SparsePassTest {

    @Test
    void segmentsDependOnTheDataAloneAndStayWithinTheirMemoryShare() {
        // 400 M non-zeros over a million features: 50 segments of 8 MB, an eighth of the 3.2 GB of CSR
        assertEquals(50, SparsePass.segmentsFor(400_000_000L, 1_000_000, 1, 10_000_000));
        assertEquals(1, SparsePass.segmentsFor(1000, 10, 1, 100), "a tiny pass is one segment");
        assertEquals(CpuTuning.MAX_SPARSE_SEGMENTS, SparsePass.segmentsFor(100_000_000L, 100, 1, 1_000_000), "capped");
        assertEquals(3, SparsePass.segmentsFor(100_000_000L, 100, 1, 3), "at most one segment per row");
        for (int outputs : new int[] {1, 10}) {
            long nonZeros = 40_000_000L;
            int segments = SparsePass.segmentsFor(nonZeros, 1_000_000, outputs, 1_000_000);
            assertTrue(segments == 1 || segments * 8.0 * outputs * 1_000_000 <= CpuTuning.SEGMENT_MEMORY_SHARE * 8 * nonZeros,
                    segments + " segments of " + outputs + " outputs");
        }
    }
}
