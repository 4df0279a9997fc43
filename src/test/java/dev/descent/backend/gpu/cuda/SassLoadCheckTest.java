package dev.descent.backend.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SASS check's reading of a cuobjdump -sass listing, on listings written in that format: loads back to
 * back pass, loads each behind its own branch (fused_narrow's version 1) fail, and a listing with no
 * fused_narrow is not taken for a pass. The real listing is read on the GPU run.
 */
class SassLoadCheckTest {
    private int address;

    private String instruction(String text) {
        String line = String.format("        /*%04x*/                   %s ;                          /* 0x000fe40000000800 */", address, text);
        address += 0x10;
        return line;
    }

    private List<String> header(String function) {
        address = 0;
        return List.of("", "\tcode for sm_90", "\t\tFunction : " + function,
                "\t.headerflags\t@\"EF_CUDA_TEXMODE_UNIFIED EF_CUDA_64BIT_ADDRESS EF_CUDA_SM90 EF_CUDA_VIRTUAL_SM(EF_CUDA_SM90)\"");
    }

    /** A function whose loop issues {@code loads} loads, in groups of {@code group} separated by a guarded branch. */
    private List<String> function(String name, int loads, int group) {
        List<String> lines = new ArrayList<>(header(name));
        lines.add(instruction("LDC R1, c[0x0][0x28]"));
        lines.add(instruction("S2R R0, SR_TID.X"));
        for (int r = 0; r < 8; r++) {
            lines.add(instruction("SHFL.IDX PT, R" + (10 + r) + ", R9, " + r + ", 0x1f"));
        }
        for (int i = 0; i < loads; i++) {
            if (i > 0 && i % group == 0) {
                lines.add(instruction("@!P0 BRA `(.L_x_" + i + ")"));
                lines.add(instruction("SHFL.IDX PT, R9, R8, 0x1, 0x1f"));
            }
            lines.add(instruction("IMAD.WIDE R2, R" + (10 + i % 8) + ", 0x4, R4"));
            lines.add(instruction((i % 3 == 0 ? "@P1 " : "") + "LDG.E.CONSTANT R" + (20 + i) + ", desc[UR4][R2.64]"));
        }
        lines.add(instruction("FFMA R5, R20, R6, R5"));
        lines.add(instruction("@P2 BRA `(.L_x_0)"));
        lines.add(instruction("BAR.SYNC.DEFER_BLOCKING 0x0"));
        lines.add(instruction("EXIT"));
        return lines;
    }

    @Test
    void loadsIssuedBackToBackPassAndLoadsBehindBranchesFail() {
        List<String> listing = new ArrayList<>(function("reduce_partials", 40, 1));
        listing.addAll(function("fused_narrow_1", 16, 16));
        listing.addAll(function("fused_narrow_4", 32, 1));
        listing.addAll(function("fused_narrow_32", 64, 32));
        List<SassLoadCheck.Narrow> found = SassLoadCheck.narrowFunctions(listing);
        assertEquals(List.of("fused_narrow_1", "fused_narrow_4", "fused_narrow_32"), found.stream().map(SassLoadCheck.Narrow::name).toList(),
                "only the fused_narrow functions, each once");
        assertEquals(16, found.get(0).longestRun());
        assertTrue(found.get(0).backToBack(), found.get(0).describe());
        assertEquals(32, found.get(1).loads());
        assertEquals(1, found.get(1).longestRun());
        assertFalse(found.get(1).backToBack(), "one load per branch block is serialized: " + found.get(1).describe());
        assertEquals(64, found.get(2).loads());
        assertTrue(found.get(2).backToBack(), found.get(2).describe());
    }

    @Test
    void aRunOneShortOfARoundFails() {
        SassLoadCheck.Narrow narrow = SassLoadCheck.narrowFunctions(function("fused_narrow_8", 62, 31)).get(0);
        assertEquals(31, narrow.longestRun());
        assertFalse(narrow.backToBack(), narrow.describe());
    }

    @Test
    void aListingWithoutFusedNarrowFindsNothing() {
        assertTrue(SassLoadCheck.narrowFunctions(function("fused_wide", 32, 32)).isEmpty());
        assertTrue(SassLoadCheck.narrowFunctions(List.of("cuobjdump info    : File 'x.cubin' does not contain device code")).isEmpty());
    }
}
