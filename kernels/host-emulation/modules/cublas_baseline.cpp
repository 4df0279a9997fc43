/* cublas_baseline.cu as host code, and its entry points. */
#include "cublas_baseline.cu"
#include "registry.h"
DESCENT_EMU_KERNEL(baseline_weights);
DESCENT_EMU_KERNEL(baseline_residual);
DESCENT_EMU_KERNEL(baseline_sums);
