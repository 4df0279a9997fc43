/* sparse_step.cu as host code, and its entry points (CudaWithoutGpuTest.ENTRY_POINTS lists the same). */
#include "sparse_step.cu"
#include "registry.h"
DESCENT_EMU_KERNEL(sparse_centre);
DESCENT_EMU_KERNEL(sparse_clear);
DESCENT_EMU_KERNEL(sparse_rows);
DESCENT_EMU_KERNEL(sparse_columns);
