/* fused_step.cu as host code, and its entry points (CudaWithoutGpuTest.ENTRY_POINTS lists the same). */
#include "fused_step.cu"
#include "registry.h"
DESCENT_EMU_KERNEL(fused_narrow_1);
DESCENT_EMU_KERNEL(fused_narrow_2);
DESCENT_EMU_KERNEL(fused_narrow_4);
DESCENT_EMU_KERNEL(fused_narrow_8);
DESCENT_EMU_KERNEL(fused_narrow_16);
DESCENT_EMU_KERNEL(fused_narrow_32);
DESCENT_EMU_KERNEL(fused_wide);
DESCENT_EMU_KERNEL(fused_softmax_1);
DESCENT_EMU_KERNEL(fused_softmax_2);
DESCENT_EMU_KERNEL(fused_softmax_4);
DESCENT_EMU_KERNEL(fused_tiled_1);
DESCENT_EMU_KERNEL(fused_tiled_2);
DESCENT_EMU_KERNEL(fused_tiled_4);
DESCENT_EMU_KERNEL(fused_tiled_8);
DESCENT_EMU_KERNEL(fused_tiled_16);
DESCENT_EMU_KERNEL(fused_tiled_32);
