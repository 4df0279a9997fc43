package dev.descent.backend;

import dev.descent.optim.DataTermSums;

/**
 * Passes over the uploaded rows that return sums at the current parameters and change nothing:
 * what a quasi-Newton solver, the learning-rate search and a partition of a distributed fit ask of
 * a backend. Each call reads X once; only k*d-sized vectors cross back.
 */
public interface DataPasses {

    /**
     * The data term's sums (S, L and G of {@link DataTermSums}, original coordinates, not divided by
     * S, no regularization) at the current parameters, written into {@code out} (its previous values
     * are replaced). {@code batchSize == rows} is every row in storage order; otherwise the rows at
     * positions batchStart .. batchStart + batchSize - 1 of the permutation
     * {@link RowPermutation#row(long, int, int)} with {@code permutationKey}, as in {@link FusedSteps#step}.
     * S is {@link RowPermutation#weightTotal} of those rows.
     */
    void dataTermSums(long permutationKey, int batchStart, int batchSize, DataTermSums out);

    /**
     * out = (1/S) X1^T diag(s) X1 v for X1 = [X, 1] (the column of ones only with an intercept):
     * the matrix whose largest eigenvalue sets the smoothness constant and so the learning rate.
     * v and out have features (+ 1 with an intercept) entries.
     */
    void gramTimes(double[] vector, double[] out);
}
