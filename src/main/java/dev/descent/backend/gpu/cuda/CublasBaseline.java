package dev.descent.backend.gpu.cuda;

import java.util.function.LongFunction;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

/**
 * The `cublas` backend's data term, in place of the fused kernel: u and c from the parameters, z = X u
 * (cuBLAS GEMV), residuals, g = X^T r (GEMV), then the sums in the update's layout
 * (kernels/cublas_baseline.cu says why each step is there). It reads X twice a step where the fused
 * kernel reads it once: the benchmark's measure of what fusing buys. One output, full batch.
 */
final class CublasBaseline {
    /** Threads per block of the small kernels (cublas_baseline.cu's BASELINE_THREADS). */
    static final int THREADS = 256;

    /** The uploaded data as the baseline's kernels take it. */
    record Data(CUdeviceptr x, CUdeviceptr y, CUdeviceptr sampleWeights, boolean hasWeights, CUdeviceptr mean,
                CUdeviceptr inverseScale, int rows, int features, int lossKind, float lossParameter) {
    }

    private final cublasHandle handle;
    private final CUstream stream;
    private final CUfunction weights;
    private final CUfunction residual;
    private final CUfunction sums;
    private Data data;
    private int blocks;
    private CUdeviceptr scaledWeights;
    private CUdeviceptr offset;
    private CUdeviceptr outputs;
    private CUdeviceptr rawGradient;
    private CUdeviceptr blockLoss;
    private CUdeviceptr blockResidual;

    /** A cuBLAS handle on {@code stream} and the three small kernels; {@link #destroy} releases the handle. */
    CublasBaseline(CUfunction weights, CUfunction residual, CUfunction sums, CUstream stream) {
        this.weights = weights;
        this.residual = residual;
        this.sums = sums;
        this.stream = stream;
        cublasHandle created = new cublasHandle();
        JCublas2.cublasCreate(created);
        this.handle = created;
        JCublas2.cublasSetStream(handle, new cudaStream_t(stream));
    }

    /** Blocks of baseline_residual: a few per multiprocessor, fewer for small data. */
    static int blocks(int rows, int multiprocessors) {
        return Math.max(1, Math.min(4 * multiprocessors, (rows + THREADS - 1) / THREADS));
    }

    /** Device memory {@link #upload} takes, for the backend's memory check. */
    static long deviceBytes(int rows, int features, int multiprocessors) {
        return 4L * (2L * features + 1 + rows + 2L * blocks(rows, multiprocessors));
    }

    /** Its buffers for this data, from the backend's allocator ({@code scratch}: floats to a zeroed buffer). */
    void upload(Data uploaded, int multiprocessors, LongFunction<CUdeviceptr> scratch) {
        this.data = uploaded;
        blocks = blocks(uploaded.rows(), multiprocessors);
        scaledWeights = scratch.apply(uploaded.features());
        offset = scratch.apply(1);
        outputs = scratch.apply(uploaded.rows());
        rawGradient = scratch.apply(uploaded.features());
        blockLoss = scratch.apply(blocks);
        blockResidual = scratch.apply(blocks);
    }

    /** The data term at {@code parameters} (standardized coordinates) into {@code sumsOut}, as fused_step and reduce_partials leave it. */
    void launchGradient(CUdeviceptr parameters, CUdeviceptr sumsOut) {
        Pointer one = Pointer.to(new float[] {1f});
        Pointer zero = Pointer.to(new float[] {0f});
        int rows = data.rows();
        int features = data.features();
        JCudaDriver.cuLaunchKernel(weights, 1, 1, 1, THREADS, 1, 1, 0, stream, Pointer.to(
                Pointer.to(parameters), Pointer.to(data.mean()), Pointer.to(data.inverseScale()), ints(features),
                Pointer.to(scaledWeights), Pointer.to(offset)), null);
        // X is (rows, d) row-major, so cuBLAS (column-major) sees X^T with leading dimension d
        JCublas2.cublasSgemv(handle, cublasOperation.CUBLAS_OP_T, features, rows, one, data.x(), features, scaledWeights, 1,
                zero, outputs, 1);
        JCudaDriver.cuLaunchKernel(residual, blocks, 1, 1, THREADS, 1, 1, 0, stream, Pointer.to(
                Pointer.to(outputs), Pointer.to(data.y()), Pointer.to(data.sampleWeights()), ints(data.hasWeights() ? 1 : 0),
                Pointer.to(offset), ints(rows), ints(data.lossKind()), Pointer.to(new float[] {data.lossParameter()}),
                Pointer.to(blockLoss), Pointer.to(blockResidual)), null);
        JCublas2.cublasSgemv(handle, cublasOperation.CUBLAS_OP_N, features, rows, one, data.x(), features, outputs, 1, zero,
                rawGradient, 1);
        JCudaDriver.cuLaunchKernel(sums, 1, 1, 1, THREADS, 1, 1, 0, stream, Pointer.to(
                Pointer.to(rawGradient), Pointer.to(data.mean()), Pointer.to(data.inverseScale()), Pointer.to(blockLoss),
                Pointer.to(blockResidual), ints(blocks), ints(features), Pointer.to(sumsOut)), null);
    }

    /** Releases the cuBLAS handle (the buffers belong to the backend, which frees them). */
    void destroy() {
        JCublas2.cublasDestroy(handle);
    }

    private static Pointer ints(int value) {
        return Pointer.to(new int[] {value});
    }
}
