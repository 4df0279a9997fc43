/**
 * What the GPU backends share: {@link dev.descent.backend.gpu.DeviceProblem}, the problem as the kernels
 * see it (standardized coordinates, float32) and the host arithmetic around them.
 */
package dev.descent.backend.gpu;
