package dev.descent.backend;

import dev.descent.InvalidInputException;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Objective;
import dev.descent.optim.Problem;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the passes over the data run. The data and the parameters live with the backend (on a
 * device, for a GPU) from {@link #upload} until {@link #close}; inside a fit only scalars and
 * k*d-sized vectors cross back.
 *
 * <p>The contract has three parts, by audience:
 * <ol>
 *   <li>lifecycle (this interface): {@link #upload} once, {@link #setParameters} with the starting point
 *       (and whenever the caller moves the point), {@link #readParameters()}, {@link #close()};</li>
 *   <li>{@link DataPasses}: mergeable data-term sums and the Gram product at the current parameters,
 *       for solvers that do their own vector algebra (and for sums added up across machines);</li>
 *   <li>{@link FusedSteps}: the first-order step fused into one read of X, with its statistics and checkpoints.</li>
 * </ol>
 * Benchmark instrumentation is apart, in {@link #instrumentation()}.
 *
 * <p>An instance belongs to the thread that uses it; it is not safe to call from two threads at once
 * (instances from {@link Backends#open} refuse it with an IllegalStateException).
 * Results are deterministic: the same calls give bit-identical parameters.
 */
public interface Backend extends DataPasses, FusedSteps, AutoCloseable {

    /** Short name, as given to {@code --backend}. */
    String name();

    /** What the passes run on, e.g. "2 threads, 256-bit float32 vectors". */
    String device();

    /**
     * Takes the data and the problem; called once. Labels of softmax data are class indices below the
     * problem's outputs ({@link #requireMatching}).
     */
    void upload(Dataset data, Problem problem);

    /**
     * Refuses data that does not fit the problem, before a backend takes it: a width other than the
     * problem's features, or a softmax label that is not a class index below its outputs (a kernel would
     * index past the row's outputs with it). Every implementation calls it first in {@link #upload}.
     */
    static void requireMatching(Dataset data, Problem problem) {
        if (data.columns() != problem.features()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "the data has %d features but the problem %d", data.columns(), problem.features()));
        }
        if (problem.loss().labels() == Loss.Labels.CLASS_INDEX) {
            float[] labels = data.labels();
            for (int i = 0; i < labels.length; i++) {
                float label = labels[i];
                if (!(label >= 0 && label < problem.outputs() && label == Math.rint(label))) {
                    throw new InvalidInputException(String.format(Locale.ROOT,
                            "row %d has label %s, not a class index below the problem's %d classes", i, label,
                            problem.outputs()));
                }
            }
        }
    }

    /** The problem given to {@link #upload}. */
    Problem problem();

    /** The number of rows given to {@link #upload}. */
    int rows();

    /** Sets all parameters (layout in {@link Problem}) and clears the optimizer state. */
    void setParameters(double[] parameters);

    /** The current parameters, layout as in {@link Problem}. */
    double[] readParameters();

    /** The data term's sums over every row at the current parameters: {@code dataTermSums(0, 0, rows(), out)}. */
    default void dataTermSums(DataTermSums out) {
        dataTermSums(0, 0, rows(), out);
    }

    /**
     * The full objective at the current parameters, and its smooth part's gradient into
     * {@code gradientOut} when not null: {@link Objective#of} on {@link #dataTermSums(DataTermSums)}.
     */
    default double evaluate(double[] gradientOut) {
        DataTermSums sums = new DataTermSums(problem().parameterCount());
        dataTermSums(sums);
        return Objective.of(problem(), sums, readParameters(), gradientOut);
    }

    /**
     * Whether {@link #upload} takes sparse (CSR) data as it is; a backend that does not is given dense
     * rows ({@link Dataset#dense()}) by the fit.
     */
    default boolean takesSparse() {
        return false;
    }

    /**
     * Whether {@link #upload} takes float64 data ({@link Dataset#isFloat64()}) as it is; a backend that does not
     * is given it rounded to float32 ({@link Dataset#toFloat32()}) by the fit.
     */
    default boolean takesFloat64() {
        return false;
    }

    /**
     * Whether the passes over the uploaded data now run the code they will keep running: false while a
     * backend still runs stand-in code until its fast code is compiled (the cpu backend's scalar twins
     * of its vector kernels). A benchmark of steady-state steps waits for it; a fit need not, the bits
     * are the same.
     */
    default boolean warmedUp() {
        return true;
    }

    /** The benchmark's measurements, where the backend has a device clock and memory of its own. */
    default Optional<Instrumentation> instrumentation() {
        return Optional.empty();
    }

    /** Many models' sums in one pass ({@link ModelSetSums}), where the backend has them. */
    default Optional<ModelSetSums> modelSets() {
        return this instanceof ModelSetSums sets ? Optional.of(sets) : Optional.empty();
    }

    /** Releases threads, device memory and native handles; safe to call twice. */
    @Override
    void close();
}
