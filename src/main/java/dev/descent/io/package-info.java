/**
 * Files: data in (CSV, LIBSVM, .npy), streamed and checked with file, line and column in every error;
 * models in and out (JSON, written atomically); the standardization a model carries.
 */
package dev.descent.io;
