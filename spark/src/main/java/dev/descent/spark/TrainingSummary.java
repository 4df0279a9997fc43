package dev.descent.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a distributed fit went: the objective after each iteration (MLlib's {@code objectiveHistory}:
 * the objective the params define, in MLlib's scale), iterations and passes over the data (one per
 * evaluation of the objective: a line search may take several an iteration), whether and why it
 * stopped, the wall time, and the descent backends the executors ran.
 *
 * @param objectiveHistory  the objective at the start and after each iteration
 * @param totalIterations   iterations of the solver
 * @param passes            passes over the data (Spark jobs that returned the partitions' sums)
 * @param status            CONVERGED, MAX_EPOCHS (the iteration limit), STALLED, DIVERGED or INTERRUPTED
 * @param reason            one line on why the solver stopped
 * @param totalTimeMillis   the whole fit: reading and caching the partitions, the summary pass, the solver
 * @param solverTimeMillis  the solver's part of it
 * @param partitionMillis   the slowest partition's sums, added over the passes: the executors' part of the
 *                          solver's time (the rest is Spark's jobs, the aggregation and the driver's solver)
 * @param backends          "name (device)" of the backends the partitions ran on, comma-separated
 */
public record TrainingSummary(double[] objectiveHistory, int totalIterations, int passes, String status, String reason,
                              double totalTimeMillis, double solverTimeMillis, double partitionMillis,
                              String backends) implements Serializable {

    /** Milliseconds per pass over the data in the solver (a Spark job and the partitions' sums). */
    public double millisPerPass() {
        return passes == 0 ? Double.NaN : solverTimeMillis / passes;
    }

    /** Milliseconds per pass outside the partitions' sums: Spark's job, the aggregation, the driver. */
    public double overheadMillisPerPass() {
        return passes == 0 ? Double.NaN : (solverTimeMillis - partitionMillis) / passes;
    }

    /** Whether the solver's stopping rule was met. */
    public boolean converged() {
        return status.equals("CONVERGED");
    }

    @Override
    public String toString() {
        return "TrainingSummary{iterations=" + totalIterations + ", passes=" + passes + ", status=" + status + ", objective="
                + (objectiveHistory.length == 0 ? "none" : objectiveHistory[objectiveHistory.length - 1]) + ", totalTimeMillis="
                + Math.round(totalTimeMillis) + ", backends=" + backends + "}";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingSummary that && Arrays.equals(objectiveHistory, that.objectiveHistory)
                && totalIterations == that.totalIterations && passes == that.passes && status.equals(that.status);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(objectiveHistory) * 31 + totalIterations;
    }
}
