/**
 * The backend contract ({@link dev.descent.backend.Backend}: lifecycle, {@link dev.descent.backend.DataPasses},
 * {@link dev.descent.backend.FusedSteps}; {@link dev.descent.backend.Instrumentation} for the benchmark;
 * {@link dev.descent.backend.ModelSetSums} for many models in one pass),
 * the mini-batch row order every backend shares, and the one place a backend is chosen
 * ({@link dev.descent.backend.Backends}). Implementations live in the sub-packages.
 */
package dev.descent.backend;
