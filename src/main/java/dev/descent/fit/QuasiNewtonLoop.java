package dev.descent.fit;

import dev.descent.FitStatus;
import dev.descent.Fitter;
import dev.descent.backend.Backend;
import dev.descent.optim.Coordinates;
import dev.descent.optim.DataTerm;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Lbfgs;
import dev.descent.optim.Objective;
import dev.descent.optim.Problem;
import dev.descent.optim.SmoothFunction;
import java.util.Arrays;

/**
 * A fit by L-BFGS (OWL-QN with l1) on data-term sums, in the optimizer's coordinates (centred and
 * scaled, as the first-order rules run): each evaluation asks the {@link DataTerm} for its sums at a
 * point, one pass over X; only vectors of the parameters' size cross. The sums come from one backend
 * ({@link #QuasiNewtonLoop(Backend, Settings)}) or from anywhere else, such as the partitions of a Spark fit.
 */
public final class QuasiNewtonLoop {
    /**
     * The relative rounding of an objective made from float32 data-term sums: objectives of one point
     * on different backends and groupings agree to about this (DataTermSumsTest, BackendAgreementTest).
     */
    static final double OBJECTIVE_RESOLUTION = 1e-7;
    /** Below this fraction of its start, a gradient at which no step lowers the objective counts as converged. */
    static final double STALL_GRADIENT = 1e-2;

    /** The loop's settings: limits and tolerances, the L-BFGS history, and held-out rows for early stopping (or null). */
    public record Settings(int maxIterations, double tolerance, double gradientTolerance, int history,
                           Fitter.EpochListener listener, HeldOut heldOut) {
        /** Settings without early stopping. */
        public Settings(int maxIterations, double tolerance, double gradientTolerance, int history,
                        Fitter.EpochListener listener) {
            this(maxIterations, tolerance, gradientTolerance, history, listener, null);
        }
    }

    private final DataTerm dataTerm;
    private final Problem problem;
    private final Settings settings;

    /** A loop on one backend's sums: each evaluation sets the parameters on it and takes one pass. */
    public QuasiNewtonLoop(Backend device, Settings settings) {
        this(new DataTerm() {
            @Override
            public Problem problem() {
                return device.problem();
            }

            @Override
            public void sumsAt(double[] parameters, DataTermSums out) {
                device.setParameters(parameters);
                device.dataTermSums(out);
            }
        }, settings);
    }

    /** A loop on any source of sums; its problem's coordinates (mean, scale) are the ones the solver works in. */
    public QuasiNewtonLoop(DataTerm dataTerm, Settings settings) {
        this.dataTerm = dataTerm;
        this.problem = dataTerm.problem();
        this.settings = settings;
    }

    /** Runs from {@code initial} (original coordinates) until a rule stops it; {@code start} is System.nanoTime at the call to fit. */
    public FitLoop.Outcome run(double[] initial, long start) {
        int count = problem.parameterCount();
        Problem smooth = new Problem(problem.loss(), problem.outputs(), problem.features(), problem.intercept(), problem.l2(),
                0, problem.optimizer(), problem.featureMean(), problem.featureScale(), problem.lossParameter());
        DataTermSums sums = new DataTermSums(count);
        double[] original = new double[count];
        double[] originalGradient = new double[count];
        long[] firstPassEnd = {0};
        SmoothFunction objective = (point, gradient) -> {
            Coordinates.toOriginal(problem, point, original);
            if (!problem.intercept()) {
                Arrays.fill(original, problem.penalizedCount(), count, 0.0);
            }
            dataTerm.sumsAt(original, sums);
            if (firstPassEnd[0] == 0) {
                firstPassEnd[0] = System.nanoTime();
            }
            double value = Objective.of(smooth, sums, original, originalGradient);
            Coordinates.transposeToScaled(problem, originalGradient, gradient);
            if (!problem.intercept()) {
                Arrays.fill(gradient, problem.penalizedCount(), count, 0.0);
            }
            return value;
        };
        // in the optimizer's coordinates the ridge term's curvature is l2 / s_j^2 and the l1 term is
        // (l1 / s_j) |w'_j| on the weights; intercepts carry neither
        double[] ridge = new double[count];
        double[] l1 = problem.l1() > 0 ? new double[count] : null;
        double[] scale = problem.featureScale();
        for (int c = 0; c < problem.outputs(); c++) {
            for (int j = 0; j < problem.features(); j++) {
                double s = scale == null ? 1 : scale[j];
                ridge[c * problem.features() + j] = problem.l2() / (s * s);
                if (l1 != null) {
                    l1[c * problem.features() + j] = problem.l1() / s;
                }
            }
        }
        double[] theta = new double[count];
        Coordinates.toScaled(problem, initial, theta);
        double[] history = new double[Math.min(settings.maxIterations() + 1, 1024)];
        int[] recorded = {0};
        // an interrupt stops the run after the iteration; the flag is cleared so that the last passes run
        // undisturbed (Fitter sets it again for the caller)
        HeldOut heldOut = settings.heldOut();
        boolean[] stoppedEarly = {false};
        double[] heldOutPoint = new double[count];
        Lbfgs.Progress progress = (iteration, value, gradientNorm, x) -> {
            if (recorded[0] < history.length) {
                history[recorded[0]++] = value;
            }
            if (settings.listener() != null) {
                settings.listener().onEpoch(iteration - 1, value, gradientNorm, Double.NaN);
            }
            if (heldOut != null) {
                Coordinates.toOriginal(problem, x, heldOutPoint);
                if (!problem.intercept()) {
                    Arrays.fill(heldOutPoint, problem.penalizedCount(), count, 0.0);
                }
                if (heldOut.after(heldOutPoint)) {
                    stoppedEarly[0] = true;
                    return false;
                }
            }
            return !Thread.interrupted();
        };
        long begin = System.nanoTime();
        // the gradient's scale: at the zero model, which a warm start's own (already small) gradient is not
        double reference = Double.NaN;
        if (Arrays.stream(initial).anyMatch(v -> v != 0)) {
            double[] zero = new double[count];
            double[] zeroGradient = new double[count];
            objective.valueAndGradient(zero, zeroGradient);
            reference = Lbfgs.pseudoGradientNorm(zero, zeroGradient, l1);
        }
        Lbfgs.Result result = new Lbfgs(settings.history(), settings.maxIterations(), settings.tolerance(),
                settings.gradientTolerance(), OBJECTIVE_RESOLUTION).minimize(objective, theta, l1, ridge, reference, progress);
        long end = System.nanoTime();
        FitStatus status;
        String reason;
        switch (result.stop()) {
            case OBJECTIVE -> {
                status = FitStatus.CONVERGED;
                reason = "the objective improved by less than " + StoppingRule.format(settings.tolerance())
                        + " (relative) in an iteration";
            }
            case GRADIENT -> {
                status = FitStatus.CONVERGED;
                reason = "the gradient fell to " + StoppingRule.format(settings.gradientTolerance()) + " of its start";
            }
            case ITERATIONS -> {
                status = FitStatus.MAX_EPOCHS;
                reason = "reached the limit of " + settings.maxIterations() + " iterations before the stopping rule was met";
            }
            case LINE_SEARCH -> {
                boolean small = result.gradientNorm() <= STALL_GRADIENT * result.startGradientNorm();
                status = small ? FitStatus.CONVERGED : FitStatus.STALLED;
                reason = small
                        ? "no step lowered the objective further: it is within its float32 rounding of the optimum"
                        : "no step along the search direction lowered the objective (gradient at "
                                + StoppingRule.format(result.gradientNorm() / result.startGradientNorm())
                                + " of its start); the weights are the best found; try the first-order solver or --standardize";
            }
            case INTERRUPTED -> {
                if (stoppedEarly[0]) {
                    status = FitStatus.EARLY_STOPPED;
                    reason = heldOut.reason("iteration");
                    break;
                }
                status = FitStatus.INTERRUPTED;
                reason = "interrupted after " + result.iterations() + " iterations; returning the best weights so far";
            }
            default -> {
                status = FitStatus.DIVERGED;
                reason = "the objective or its gradient is not finite at the starting weights";
            }
        }
        double[] parameters = new double[count];
        Coordinates.toOriginal(problem, result.x(), parameters);
        if (!problem.intercept()) {
            Arrays.fill(parameters, problem.penalizedCount(), count, 0.0);
        }
        double finalObjective = result.value();
        if (heldOut != null && heldOut.bestParameters() != null && status != FitStatus.DIVERGED) {
            // early stopping returns the weights the held-out rows liked best, whichever rule stopped the fit
            if (status != FitStatus.EARLY_STOPPED) {
                reason += heldOut.note("iteration");
            }
            parameters = heldOut.bestParameters();
            finalObjective = Double.NaN;
        }
        if (!Double.isFinite(finalObjective)) {
            dataTerm.sumsAt(parameters, sums);
            finalObjective = Objective.of(problem, sums, parameters, null);
        }
        double perPass = result.evaluations() == 0 ? Double.NaN : (end - begin) / 1e6 / result.evaluations();
        return new FitLoop.Outcome(status, reason, result.evaluations(), result.iterations(),
                Arrays.copyOf(history, recorded[0]), finalObjective, parameters, perPass,
                firstPassEnd[0] == 0 ? Double.NaN : (firstPassEnd[0] - start) / 1e6);
    }
}
