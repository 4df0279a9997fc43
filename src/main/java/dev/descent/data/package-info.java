/**
 * Data in: {@link dev.descent.data.Dataset} (float32, row-major X, labels, sample weights) and the readers
 * (CSV, LIBSVM, .npy), streamed and checked with file, line and column in every error; the
 * standardization a model carries.
 */
package dev.descent.data;
