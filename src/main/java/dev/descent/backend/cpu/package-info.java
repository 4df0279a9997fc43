/** The Java Vector API backend: a fused, deterministic, multi-threaded full-batch and mini-batch step on float32 data. */
package dev.descent.backend.cpu;
