package dev.descent.backend;

import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;

import dev.descent.data.Dataset;

/**
 * Where the steps of a fit run. The data and the parameters live with the backend (on a device,
 * for a GPU) from {@link #upload} until {@link #close}; inside the loop only scalars cross back.
 *
 * <p>Lifecycle, in this order:
 * <ol>
 *   <li>{@link #upload} once: X, y, the sample weights and the problem;</li>
 *   <li>{@link #setParameters} with the starting point (and whenever the caller restarts);</li>
 *   <li>{@link #step} in a loop, reading {@link #lastObjective()} and {@link #lastGradientNorm()}
 *       when the stopping rule needs them; {@link #evaluate} and {@link #gramTimes} at any time;
 *       {@link #checkpoint()} / {@link #restoreCheckpoint()} to keep the best point so far;</li>
 *   <li>{@link #readParameters()}, then {@link #close()}.</li>
 * </ol>
 * An instance belongs to the thread that uses it; it is not safe to call from two threads at once
 * (instances from {@link Backends#open} refuse it with an IllegalStateException).
 * Results are deterministic: the same calls give bit-identical parameters.
 */
public interface Backend extends AutoCloseable {

    /** Short name, as given to {@code --backend}. */
    String name();

    /** What the steps run on, e.g. "2 threads, 512-bit vectors". */
    String device();

    /** Takes the data and the problem; called once. Labels of softmax data are class indices. */
    void upload(Dataset data, Problem problem);

    /** Sets all parameters (layout in {@link Problem}) and clears the optimizer state. */
    void setParameters(double[] parameters);

    /**
     * One optimizer step on a batch: forward pass, loss, gradient and update, fused.
     *
     * <p>{@code batchSize == rows} is the full batch in storage order. Otherwise the batch is the
     * rows at positions batchStart .. batchStart + batchSize - 1 of the epoch's permutation
     * {@link RowPermutation#row(long, int, int)} with {@code permutationKey}. The batch's data term
     * is scaled by rows / (batchSize * S), an unbiased estimate of the full objective's.
     */
    void step(long permutationKey, int batchStart, int batchSize, double learningRate);

    /** The objective on the last step's batch at the parameters before that step (regularization included). */
    double lastObjective();

    /**
     * The sum, over the steps since the previous call (or since {@link #setParameters}), of each step's
     * batch objective times its batch size; the sum then restarts at zero. A mini-batch epoch reads it
     * once, so a GPU backend keeps it on the device instead of returning a scalar per step.
     */
    double takeObjectiveSum();

    /** The norm of the proximal gradient mapping computed by the last step (see {@link ParameterUpdate}). */
    double lastGradientNorm();

    /**
     * The full objective at the current parameters, and, when {@code gradient} is not null, the
     * gradient of its smooth part (loss and l2; the l1 term is not differentiable) written into it.
     */
    double evaluate(double[] gradient);

    /**
     * out = (1/S) X1^T diag(s) X1 v for X1 = [X, 1] (the column of ones only with an intercept):
     * the matrix whose largest eigenvalue sets the smoothness constant and so the learning rate.
     * v and out have features (+ 1 with an intercept) entries.
     */
    void gramTimes(double[] vector, double[] out);

    /** Clears the optimizer state (velocity, moments, accumulators), keeping the parameters. */
    void resetOptimizerState();

    /** Remembers the current parameters (cheap: no transfer to the host). */
    void checkpoint();

    /** Goes back to the parameters of the last {@link #checkpoint()}. */
    void restoreCheckpoint();

    /** The current parameters, layout as in {@link Problem}. */
    double[] readParameters();

    /**
     * The read bandwidth of the memory X lives in, in bytes per second, measured now on the uploaded
     * X; NaN for backends whose data is in host memory (the benchmark measures that itself).
     */
    default double measureReadBandwidth() {
        return Double.NaN;
    }

    /** Asks the backend to time its steps on the device (with events) from now on; no-op where there is no device clock. */
    default void measureDeviceTime(boolean on) {
    }

    /** The last step's time on the device's own clock, in milliseconds, when measured; NaN otherwise. */
    default double lastStepDeviceMillis() {
        return Double.NaN;
    }

    /** Releases threads, device memory and native handles; safe to call twice. */
    @Override
    void close();
}
