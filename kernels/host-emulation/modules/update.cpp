/* update.cu as host code, and its entry point. */
#include "update.cu"
#include "registry.h"
DESCENT_EMU_KERNEL(update);
