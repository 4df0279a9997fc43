/**
 * The cpu backend: {@link dev.descent.backend.cpu.CpuBackend} (lifecycle and the contract), the pass
 * planner and dispatcher (CpuPass), the tunables with the runs that chose them (CpuTuning), the kernel
 * families (RowKernels, RegisterKernels, SoftmaxKernel), their vector primitives (VectorOps), float32
 * lane math (LaneMath) and scalar row losses (RowLoss), the worker pool, and the streaming read that
 * the benchmark uses as the floor.
 */
package dev.descent.backend.cpu;
