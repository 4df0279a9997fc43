package dev.descent;

import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Solver;
import java.util.Locale;

/**
 * What a fit produced and how it went. Everything needed to reproduce it is here: backend,
 * device, optimizer, learning rate, batch size and seed.
 *
 * @param model                 the fitted weights and intercepts, ready to predict
 * @param status                how the fit ended
 * @param reason                why, in words (for DIVERGED: what to change)
 * @param epochs                passes over the data (for a quasi-Newton solver: its function evaluations)
 * @param steps                 optimizer steps (epochs for full batch; iterations for a quasi-Newton solver)
 * @param objectiveHistory      the objective per epoch: full batch, at the start of the epoch's step;
 *                              mini-batch, the mean of the batch objectives over the epoch
 * @param objective             the full objective at the returned weights
 * @param backend               the backend that ran the steps
 * @param device                what it ran on
 * @param backendChoice         why that backend was chosen (and why others were not)
 * @param medianStepMillis      median wall time of one step (per epoch, divided by its steps)
 * @param uploadMillis          from the call to fit to the end of the upload (preconditioning moments, backend start, upload)
 * @param timeToFirstStepMillis from the call to fit to the end of the first step (backend start, upload, learning rate)
 * @param learningRate          the initial learning rate used (resolved when it was auto); NaN for a quasi-Newton solver
 * @param optimizer             the update rule and its hyperparameters (for the first-order solver)
 * @param solver                first-order steps, or the quasi-Newton method that chose the steps
 * @param batchSize             rows per step
 * @param seed                  seed of the shuffling and of random initialization
 * @param heldOutLoss           with {@link Fitter#validation} or {@link Fitter#validationFraction}: the mean loss of the
 *                              held-out rows after each epoch or iteration (the weights returned are those of the lowest);
 *                              empty otherwise
 */
public record FitResult(LinearModel model, FitStatus status, String reason, int epochs, long steps,
                        double[] objectiveHistory, double objective, String backend, String device,
                        String backendChoice, double medianStepMillis, double uploadMillis, double timeToFirstStepMillis,
                        double learningRate, Optimizer optimizer, Solver solver, int batchSize, long seed,
                        double[] heldOutLoss) {

    /** How the steps were chosen, in words: the first-order rule with its settings, or the quasi-Newton solver. */
    public String method() {
        return solver == Solver.FIRST_ORDER ? optimizer.toString() : solver.toString();
    }

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
                "status %s: %s%n%s%nbackend %s (%s); %s%n"
                        + "%s, batch %d, seed %d%nmedian step %.3f ms, time to first step %.1f ms",
                status, reason, progress(), backend, device, backendChoice,
                solver == Solver.FIRST_ORDER ? "optimizer " + optimizer + String.format(Locale.ROOT, ", learning rate %.6g", learningRate)
                        : "solver " + solver, batchSize, seed, medianStepMillis, timeToFirstStepMillis);
    }

    /**
     * Epochs and steps, or a quasi-Newton solver's iterations and passes over the data, and the objective; with
     * held-out rows, their lowest loss and when.
     */
    public String progress() {
        String progress = solver == Solver.FIRST_ORDER
                ? String.format(Locale.ROOT, "epochs %d, steps %d, objective %.9g", epochs, steps, objective)
                : String.format(Locale.ROOT, "iterations %d, passes over the data %d, objective %.9g", steps, epochs, objective);
        if (heldOutLoss.length == 0) {
            return progress;
        }
        int best = 0;
        for (int k = 1; k < heldOutLoss.length; k++) {
            if (heldOutLoss[k] < heldOutLoss[best]) {
                best = k;
            }
        }
        return progress + String.format(Locale.ROOT, ", held-out loss %.6g (after %s %d)", heldOutLoss[best],
                solver == Solver.FIRST_ORDER ? "epoch" : "iteration", best + 1);
    }
}
