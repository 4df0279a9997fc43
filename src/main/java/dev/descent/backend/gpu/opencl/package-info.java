/**
 * The OpenCL backend: hand-written OpenCL C kernels (kernels/*.cl) through JOCL, on any OpenCL device
 * (PoCL on a CPU in CI), and the signal-chaining check that PoCL's LLVM needs.
 */
package dev.descent.backend.gpu.opencl;
