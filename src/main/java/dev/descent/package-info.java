/**
 * descent's public API: {@link dev.descent.data.Dataset} in, {@link dev.descent.Fitter} to configure and
 * run a fit, {@link dev.descent.FitResult} and {@link dev.descent.LinearModel} out, with
 * {@link dev.descent.ModelKind}, {@link dev.descent.Metrics} and the exceptions a caller sees.
 */
package dev.descent;
