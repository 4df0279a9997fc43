/**
 * The loss table, {@link dev.descent.loss.Loss}: each loss's value, derivative, labels, link, curvature
 * bound and kernel code, in one place for Java and the kernels.
 */
package dev.descent.loss;
