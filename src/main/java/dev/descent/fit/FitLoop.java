package dev.descent.fit;

import dev.descent.FitStatus;
import dev.descent.Fitter;
import dev.descent.backend.Backend;
import dev.descent.backend.RowPermutation;
import dev.descent.optim.OptimizerKind;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * The loop of one first-order fit on an uploaded backend: epochs of fused steps (full batch, or
 * mini-batches of the epoch's permutation), the stopping rules after each, momentum's adaptive restart,
 * checkpoints of the best epoch, and what to return when a fit ends badly.
 */
public final class FitLoop {

    /** How a loop ended, and what it measured. */
    public record Outcome(FitStatus status, String reason, int epochs, long steps, double[] history, double objective,
                          double[] parameters, double medianStepMillis, double firstStepMillis) {
    }

    /**
     * The loop's settings: the limit, the rules' parameters, the batch, the seed of the permutations, the rate by
     * epoch, and held-out rows for early stopping (or null).
     */
    public record Settings(int maxEpochs, double tolerance, int patience, double gradientTolerance, int batch, long seed,
                           IntToDoubleFunction learningRate, Fitter.EpochListener listener, HeldOut heldOut) {
        /** Settings without early stopping. */
        public Settings(int maxEpochs, double tolerance, int patience, double gradientTolerance, int batch, long seed,
                        IntToDoubleFunction learningRate, Fitter.EpochListener listener) {
            this(maxEpochs, tolerance, patience, gradientTolerance, batch, seed, learningRate, listener, null);
        }
    }

    private final Backend device;
    private final Settings settings;
    private final int rows;

    public FitLoop(Backend device, Settings settings) {
        this.device = device;
        this.settings = settings;
        this.rows = device.rows();
    }

    /** Runs from the parameters the backend holds ({@code initial}, checkpointed) until a rule stops it or the limit. */
    public Outcome run(double[] initial, long start) {
        int maxEpochs = settings.maxEpochs();
        int batch = settings.batch();
        boolean fullBatch = batch == rows;
        StoppingRule divergence = new StoppingRules.Divergence();
        List<StoppingRule> convergence = List.of(
                new StoppingRules.NoProgress(settings.tolerance(), settings.patience(), fullBatch),
                new StoppingRules.SmallGradient(settings.gradientTolerance()));
        // grown as epochs pass: memory follows the epochs run, not the limit (which may be huge)
        double[] history = new double[Math.min(maxEpochs, 1024)];
        double[] stepNanos = new double[history.length];
        long firstStepEnd = 0;
        long steps = 0;
        double best = Double.POSITIVE_INFINITY;
        FitStatus status = FitStatus.MAX_EPOCHS;
        String reason = null;
        // Adaptive restart (O'Donoghue and Candes, 2015): when the full-batch objective rises, momentum
        // has overshot; dropping the velocity keeps the acceleration without the oscillation.
        OptimizerKind kind = device.problem().optimizer().kind();
        boolean restartsMomentum = fullBatch && (kind == OptimizerKind.MOMENTUM || kind == OptimizerKind.NESTEROV);
        int epoch = 0;
        while (epoch < maxEpochs && reason == null) {
            if (Thread.interrupted()) {
                status = FitStatus.INTERRUPTED;
                reason = interruptedReason(epoch);
                break;
            }
            double rate = settings.learningRate().applyAsDouble(epoch);
            long epochStart = System.nanoTime();
            double objective;
            double gradientNorm = Double.NaN;
            if (fullBatch) {
                device.step(0, 0, rows, rate);
                objective = device.lastObjective();
                gradientNorm = device.lastGradientNorm();
                steps++;
            } else {
                long key = RowPermutation.epochKey(settings.seed(), epoch);
                for (int first = 0; first < rows && status != FitStatus.INTERRUPTED; first += batch) {
                    if (Thread.interrupted()) {
                        status = FitStatus.INTERRUPTED;
                        reason = interruptedReason(epoch) + " (in the middle of an epoch, which is dropped)";
                        break;
                    }
                    device.step(key, first, Math.min(batch, rows - first), rate);
                    steps++;
                }
                objective = device.takeObjectiveSum() / rows;
            }
            if (status == FitStatus.INTERRUPTED) {
                break;
            }
            long now = System.nanoTime();
            if (epoch == 0) {
                firstStepEnd = now;
            }
            if (epoch == history.length) {
                history = Arrays.copyOf(history, (int) Math.min(maxEpochs, 2L * epoch));
                stepNanos = Arrays.copyOf(stepNanos, history.length);
            }
            stepNanos[epoch] = (double) (now - epochStart) / ((rows + batch - 1) / batch);
            history[epoch] = objective;
            if (settings.listener() != null) {
                settings.listener().onEpoch(epoch, objective, gradientNorm, rate);
            }
            epoch++;
            if (settings.heldOut() != null && settings.heldOut().after(device.readParameters())) {
                status = FitStatus.EARLY_STOPPED;
                reason = settings.heldOut().reason("epoch");
                break;
            }

            StoppingRule.Stop stop = divergence.after(epoch, history, gradientNorm, rate);
            if (stop != null) {
                status = stop.status();
                reason = stop.reason();
                break;
            }
            if (restartsMomentum && epoch > 1 && objective > history[epoch - 2]) {
                device.resetOptimizerState();
            }
            for (StoppingRule rule : convergence) {
                stop = rule.after(epoch, history, gradientNorm, rate);
                if (stop != null) {
                    break;
                }
            }
            if (objective < best) {
                best = objective;
                device.checkpoint();
            }
            if (stop != null) {
                status = stop.status();
                reason = stop.reason();
            }
        }
        if (reason == null) {
            reason = "reached the limit of " + maxEpochs + " epochs before the stopping rule was met";
        }
        HeldOut heldOut = settings.heldOut();
        if (heldOut != null && heldOut.bestParameters() != null && status != FitStatus.DIVERGED) {
            // early stopping returns the weights the held-out rows liked best, whichever rule stopped the fit
            if (status != FitStatus.EARLY_STOPPED) {
                reason += heldOut.note("epoch");
            }
            device.setParameters(heldOut.bestParameters());
        } else if (status == FitStatus.DIVERGED || status == FitStatus.INTERRUPTED) {
            device.restoreCheckpoint();
            reason += "; returning the weights of the best epoch";
        }
        double[] parameters = device.readParameters();
        if (!allFinite(parameters)) {
            device.setParameters(initial);
            parameters = initial.clone();
            status = FitStatus.DIVERGED;
            reason += "; the weights were not finite, so the starting weights are returned";
        }
        double finalObjective = device.evaluate(null);
        double[] sortedTimes = Arrays.copyOf(stepNanos, epoch);
        Arrays.sort(sortedTimes);
        double median = sortedTimes.length == 0 ? Double.NaN : sortedTimes[sortedTimes.length / 2];
        return new Outcome(status, reason, epoch, steps, Arrays.copyOf(history, epoch), finalObjective, parameters,
                median / 1e6, (firstStepEnd - start) / 1e6);
    }

    private static String interruptedReason(int epochs) {
        return "interrupted after " + epochs + " epoch" + (epochs == 1 ? "" : "s");
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
