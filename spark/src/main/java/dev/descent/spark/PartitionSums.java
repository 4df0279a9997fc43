package dev.descent.spark;

import dev.descent.optim.DataTermSums;
import java.io.Serializable;
import java.util.TreeSet;

/**
 * One partition's data-term sums (S, L, G of {@link DataTermSums}) as they travel from an executor to
 * the driver, with the backends that computed them.
 */
final class PartitionSums implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] gradient;
    double weightTotal;
    double lossSum;
    /** The longest time one partition's backend took for its sums (the pass's critical path on the executors). */
    long slowestPartitionNanos;
    /** "name (device)" of each backend that added rows, sorted. */
    final TreeSet<String> backends = new TreeSet<>();

    PartitionSums(int parameterCount) {
        gradient = new double[parameterCount];
    }

    static PartitionSums of(DataTermSums sums, String backend, long nanos) {
        PartitionSums out = new PartitionSums(sums.gradient().length);
        out.slowestPartitionNanos = nanos;
        System.arraycopy(sums.gradient(), 0, out.gradient, 0, out.gradient.length);
        out.weightTotal = sums.weightTotal();
        out.lossSum = sums.lossSum();
        if (backend != null) {
            out.backends.add(backend);
        }
        return out;
    }

    /** Adds a later partition's sums into these; returns this. */
    PartitionSums add(PartitionSums other) {
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] += other.gradient[j];
        }
        weightTotal += other.weightTotal;
        lossSum += other.lossSum;
        slowestPartitionNanos = Math.max(slowestPartitionNanos, other.slowestPartitionNanos);
        backends.addAll(other.backends);
        return this;
    }

    /** Writes the sums into {@code out}. */
    void copyTo(DataTermSums out) {
        System.arraycopy(gradient, 0, out.gradient(), 0, gradient.length);
        out.setTotals(weightTotal, lossSum);
    }
}
