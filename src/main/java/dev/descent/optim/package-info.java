/**
 * What is optimized and how: {@link dev.descent.optim.Problem}, the data term's mergeable sums and the
 * objective made from them ({@link dev.descent.optim.DataTermSums}, {@link dev.descent.optim.Objective}),
 * the first-order update rules and their change of coordinates ({@link dev.descent.optim.ParameterUpdate}),
 * and the optimizer settings.
 */
package dev.descent.optim;
