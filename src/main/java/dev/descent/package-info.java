/**
 * descent's public API: {@link dev.descent.data.Dataset} in, {@link dev.descent.Fitter} to configure and run a fit,
 * {@link dev.descent.FitResult} and {@link dev.descent.LinearModel} out, with the losses and metrics they use.
 */
package dev.descent;

import dev.descent.data.Dataset;
