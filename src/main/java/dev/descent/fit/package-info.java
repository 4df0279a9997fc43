/**
 * The loop of a fit, in small parts: {@link dev.descent.fit.FitLoop} (epochs, checkpoints, what a bad
 * end returns), the stopping rules as objects ({@link dev.descent.fit.StoppingRules}), the automatic
 * learning rate ({@link dev.descent.fit.LearningRate}) and label handling ({@link dev.descent.fit.Labels}).
 * {@link dev.descent.Fitter} is the builder that puts them together.
 */
package dev.descent.fit;
