package dev.descent.optim;

/**
 * Where a quasi-Newton fit gets the data term of its objective: the {@link DataTermSums} at a point.
 * One backend holding every row is one source; the partitions of a Spark fit, their sums merged, are
 * another. The solver ({@code dev.descent.fit.QuasiNewtonLoop}) sees no difference.
 */
public interface DataTerm {

    /** The problem the sums belong to (loss, outputs, features, regularization, coordinates). */
    Problem problem();

    /**
     * The sums over every row at {@code parameters} (original coordinates, layout as in {@link Problem}),
     * written into {@code out} (its previous values replaced): one pass over the data.
     */
    void sumsAt(double[] parameters, DataTermSums out);
}
