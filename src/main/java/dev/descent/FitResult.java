package dev.descent;

import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import java.util.Locale;

/**
 * What a fit produced and how it went. Everything needed to reproduce it is here: backend,
 * device, optimizer, learning rate, batch size and seed.
 *
 * @param model                 the fitted weights and intercepts, ready to predict
 * @param status                how the fit ended
 * @param reason                why, in words (for DIVERGED: what to change)
 * @param epochs                passes over the data
 * @param steps                 optimizer steps (epochs for full batch)
 * @param objectiveHistory      the objective per epoch: full batch, at the start of the epoch's step;
 *                              mini-batch, the mean of the batch objectives over the epoch
 * @param objective             the full objective at the returned weights
 * @param backend               the backend that ran the steps
 * @param device                what it ran on
 * @param backendChoice         why that backend was chosen (and why others were not)
 * @param medianStepMillis      median wall time of one step (per epoch, divided by its steps)
 * @param timeToFirstStepMillis from the call to fit to the end of the first step (backend start, upload, learning rate)
 * @param learningRate          the initial learning rate used (resolved when it was auto)
 * @param optimizer             the update rule and its hyperparameters
 * @param batchSize             rows per step
 * @param seed                  seed of the shuffling and of random initialization
 */
public record FitResult(LinearModel model, FitStatus status, String reason, int epochs, long steps,
                        double[] objectiveHistory, double objective, String backend, String device,
                        String backendChoice, double medianStepMillis, double timeToFirstStepMillis,
                        double learningRate, Optimizer optimizer, int batchSize, long seed) {

    public boolean converged() {
        return status == FitStatus.CONVERGED;
    }

    /** Shorthand for {@code model().predict(data)}. */
    public double[] predict(Dataset data) {
        return model.predict(data);
    }

    /** Shorthand for {@code model().predictProba(data)}. */
    public double[][] predictProba(Dataset data) {
        return model.predictProba(data);
    }

    /** A few lines for people: status, reason, objective, backend and step time. */
    public String summary() {
        return String.format(Locale.ROOT,
                "status %s: %s%nepochs %d, steps %d, objective %.9g%nbackend %s (%s); %s%n"
                        + "optimizer %s, learning rate %.6g, batch %d, seed %d%nmedian step %.3f ms, time to first step %.1f ms",
                status, reason, epochs, steps, objective, backend, device, backendChoice, optimizer, learningRate,
                batchSize, seed, medianStepMillis, timeToFirstStepMillis);
    }
}
