/* reduce_partials.cu as host code, and its entry points. */
#include "reduce_partials.cu"
#include "registry.h"
DESCENT_EMU_KERNEL(reduce_partials);
DESCENT_EMU_KERNEL(stream_read);
