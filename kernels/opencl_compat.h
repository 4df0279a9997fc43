/*
 * opencl_compat.h: what descent_math.h needs from OpenCL C 1.2. The CUDA twin is cuda_compat.h.
 */
#ifndef DESCENT_COMPAT_H
#define DESCENT_COMPAT_H
#define DESCENT_INLINE inline
typedef uint descent_uint;
typedef ulong descent_ulong;
typedef long descent_long;
#define DESCENT_GLOBAL __global
#define DESCENT_SHARED __local
#define DESCENT_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#endif
