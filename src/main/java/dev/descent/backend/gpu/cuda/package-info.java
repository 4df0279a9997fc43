/**
 * The CUDA backend: hand-written kernels (kernels/*.cu, compiled to PTX at build time) driven through
 * JCuda's driver API, with the data resident on the GPU. {@link dev.descent.backend.gpu.cuda.CudaDevices}
 * finds the driver and devices once; {@link dev.descent.backend.gpu.cuda.CudaBackend} runs the passes.
 */
package dev.descent.backend.gpu.cuda;
