/**
 * The CUDA backend: hand-written kernels (kernels/*.cu, compiled to PTX at build time) driven through
 * JCuda's driver API, with the data resident on the GPU. {@link dev.descent.backend.cuda.CudaDevices}
 * finds the driver and devices once; {@link dev.descent.backend.cuda.CudaBackend} runs the steps.
 */
package dev.descent.backend.cuda;
