package dev.descent.backend;

/**
 * The first-order fast path: forward pass, loss, gradient and the optimizer's update fused into one
 * read of X per step, with the optimizer state kept by the backend (on the device, for a GPU).
 */
public interface FusedSteps {

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
     * The sum, over the steps since the previous call (or since setting the parameters), of each step's
     * batch objective times its batch size; the sum then restarts at zero. A mini-batch epoch reads it
     * once, so a GPU backend keeps it on the device instead of returning a scalar per step.
     */
    double takeObjectiveSum();

    /** The norm of the proximal gradient mapping computed by the last step (see {@link dev.descent.optim.ParameterUpdate}). */
    double lastGradientNorm();

    /** Clears the optimizer state (velocity, moments, accumulators), keeping the parameters. */
    void resetOptimizerState();

    /** Remembers the current parameters (cheap: no transfer to the host). */
    void checkpoint();

    /** Goes back to the parameters of the last {@link #checkpoint()}. */
    void restoreCheckpoint();
}
