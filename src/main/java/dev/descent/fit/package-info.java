/**
 * The loop of a fit, in small parts: {@link dev.descent.fit.FitLoop} (epochs, checkpoints, what a bad
 * end returns), the stopping rules as objects ({@link dev.descent.fit.StoppingRules}), the automatic
 * learning rate ({@link dev.descent.fit.LearningRate}), label handling ({@link dev.descent.fit.Labels}), and the
 * quasi-Newton loops: one model ({@link dev.descent.fit.QuasiNewtonLoop}) or many sharing each pass
 * ({@link dev.descent.fit.ModelSetLoop}).
 * {@link dev.descent.Fitter} is the builder that puts them together.
 */
package dev.descent.fit;
