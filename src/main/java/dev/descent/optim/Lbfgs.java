package dev.descent.optim;

import java.util.Arrays;

/**
 * Limited-memory BFGS for f(x) + sum_j c_j |x_j| with f smooth: plain L-BFGS with a line search that
 * satisfies the strong Wolfe conditions when every c_j is 0 (Nocedal and Wright, Algorithms 7.4, 3.5
 * and 3.6), and orthant-wise L-BFGS otherwise (OWL-QN; Andrew and Gao, 2007), whose iterates keep exact
 * zeros. Each evaluation of f is one call of the {@link SmoothFunction}; for a fit that is one pass
 * over the data, and only vectors of the parameters' size are kept here.
 *
 * <p>The first Hessian guess of the two-loop recursion is the usual scalar (s'y / y'y) I, or, when the
 * objective is known to hold a separable quadratic part q(x) = sum_j k_j x_j^2 / 2 (the ridge term), the
 * diagonal (c + k_j)^-1 with c the same scalar estimate made from the rest of the curvature (y - k s).
 * The ridge term's curvature can differ by orders of magnitude across coordinates while the data's is
 * about the same in the optimizer's coordinates; a scalar guess then sizes every step for the stiffest
 * coordinate (digits softmax: 589 passes with the scalar guess, 168 with the diagonal;
 * bench/results/2026-12-05-newton-cg).
 *
 * <p>Stopping: the relative decrease of the objective over the last iteration below {@code tolerance},
 * or the (pseudo-)gradient's largest entry below {@code gradientTolerance} times its value at the start,
 * or the iteration limit. A line search that cannot decrease the objective (at a point where the
 * objective's own rounding hides the remaining decrease) ends the run at the best point so far,
 * never at a worse or non-finite one.
 */
public final class Lbfgs {
    /** Sufficient decrease (Armijo) and curvature constants of the Wolfe conditions: the usual quasi-Newton values. */
    static final double ARMIJO = 1e-4;
    static final double CURVATURE = 0.9;
    /** A gradient at least this fraction of the reference's is "far from the optimum" for the first step's extrapolation. */
    static final double GUESS_SCALE = 0.1;
    /** Evaluations one line search may take before it gives up. */
    static final int LINE_SEARCH_EVALUATIONS = 25;
    /** The least share of the whole pair's curvature estimate the diagonal guess gives the non-ridge part. */
    static final double MINIMUM_DATA_CURVATURE = 1e-3;

    /** How a run ended. */
    public enum Stop {
        /** The objective's relative decrease fell below the tolerance. */
        OBJECTIVE,
        /** The (pseudo-)gradient fell below the tolerance relative to its start. */
        GRADIENT,
        /** The iteration limit. */
        ITERATIONS,
        /** No step along the search direction lowered the objective. */
        LINE_SEARCH,
        /** The objective or gradient was not finite at the start. */
        NOT_FINITE,
        /** The progress callback asked to stop. */
        INTERRUPTED
    }

    /** What a run found: the point, its objective (l1 term included), and what it cost. */
    public record Result(double[] x, double value, int iterations, int evaluations, Stop stop, double gradientNorm,
                         double startGradientNorm) {
    }

    /**
     * Called after each iteration with the objective (l1 term included) and the (pseudo-)gradient's
     * largest entry; returns false to stop there.
     */
    @FunctionalInterface
    public interface Progress {
        /** After iteration {@code iteration}, at {@code x} (the solver's own array: read, do not keep); false stops. */
        boolean onIteration(int iteration, double value, double gradientNorm, double[] x);
    }

    private final int history;
    private final int maxIterations;
    private final double tolerance;
    private final double gradientTolerance;
    /** Relative change of the objective below which two evaluations may differ by rounding alone (0: exact). */
    private final double resolution;

    /**
     * @param history           corrections kept (m); 5-20 is usual
     * @param maxIterations     iteration limit
     * @param tolerance         relative objective decrease at which to stop
     * @param gradientTolerance largest (pseudo-)gradient entry, relative to its start, at which to stop
     */
    public Lbfgs(int history, int maxIterations, double tolerance, double gradientTolerance) {
        this(history, maxIterations, tolerance, gradientTolerance, 0);
    }

    /**
     * As above, for an objective known only to {@code resolution} relative (float32 data-term sums: about
     * 1e-7): a line search then stops where the values it compares differ by no more than that, and the
     * first step, when its guessed length changes the objective by less, goes further instead of shrinking.
     */
    public Lbfgs(int history, int maxIterations, double tolerance, double gradientTolerance, double resolution) {
        this.resolution = resolution;
        if (history < 1) {
            throw new IllegalArgumentException("the L-BFGS history needs at least one correction, got " + history);
        }
        this.history = history;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.gradientTolerance = gradientTolerance;
    }

    /**
     * Minimizes f(x) + sum_j l1[j] |x_j| from {@code start} ({@code l1} null or all zero: plain L-BFGS).
     * {@code progress} may be null.
     */
    public Result minimize(SmoothFunction f, double[] start, double[] l1, Progress progress) {
        return minimize(f, start, l1, null, Double.NaN, progress);
    }

    /**
     * As {@link #minimize(SmoothFunction, double[], double[], Progress)}, with the gradient tolerance relative
     * to {@code referenceNorm} instead of the gradient at the start (NaN: the start's). A warm start begins
     * near the optimum, where its own gradient is no scale at all. {@code ridge}, when not null, is the
     * curvature k_j of a separable quadratic part of f (all k_j >= 0), for the first Hessian guess.
     */
    public Result minimize(SmoothFunction f, double[] start, double[] l1, double[] ridge, double referenceNorm,
                           Progress progress) {
        int n = start.length;
        boolean diagonalGuess = ridge != null && Arrays.stream(ridge).anyMatch(k -> k > 0);
        boolean orthantWise = l1 != null && Arrays.stream(l1).anyMatch(c -> c > 0);
        double[] x = start.clone();
        double[] g = new double[n];
        double smooth = f.valueAndGradient(x, g);
        int evaluations = 1;
        double value = smooth + penalty(l1, x);
        double[] pg = new double[n];
        pseudoGradient(x, g, l1, pg);
        double norm = maxAbs(pg);
        if (!Double.isFinite(value) || !Double.isFinite(norm)) {
            return new Result(x, value, 0, evaluations, Stop.NOT_FINITE, norm, norm);
        }
        double startNorm = Math.max(Double.isNaN(referenceNorm) ? norm : referenceNorm, Double.MIN_NORMAL);
        if (norm == 0 || norm <= gradientTolerance * startNorm) {
            return new Result(x, value, 0, evaluations, Stop.GRADIENT, norm, startNorm);
        }
        double[][] s = new double[history][n];
        double[][] y = new double[history][n];
        double[] rho = new double[history];
        double[] alpha = new double[history];
        int stored = 0;
        int newest = -1;
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double[] orthant = new double[n];
        // the next correction pair, swapped into the history when it is kept
        double[] sNext = new double[n];
        double[] yNext = new double[n];
        Stop stop = Stop.ITERATIONS;
        int iteration = 0;
        while (iteration < maxIterations) {
            // d = -H pg by the two-loop recursion, H0 from the newest correction (firstHessianGuess)
            for (int j = 0; j < n; j++) {
                d[j] = -pg[j];
            }
            for (int k = 0; k < stored; k++) {
                int i = Math.floorMod(newest - k, history);
                alpha[i] = rho[i] * dot(s[i], d);
                axpy(-alpha[i], y[i], d);
            }
            if (stored > 0) {
                firstHessianGuess(s[newest], y[newest], diagonalGuess ? ridge : null, d);
            }
            for (int k = stored - 1; k >= 0; k--) {
                int i = Math.floorMod(newest - k, history);
                double beta = rho[i] * dot(y[i], d);
                axpy(alpha[i] - beta, s[i], d);
            }
            if (orthantWise) {
                // keep the direction in the orthant the pseudo-gradient points away from
                for (int j = 0; j < n; j++) {
                    if (d[j] * pg[j] >= 0) {
                        d[j] = 0;
                    }
                    orthant[j] = x[j] != 0 ? Math.signum(x[j]) : -Math.signum(pg[j]);
                }
            }
            double slope = dot(d, pg);
            if (!(slope < 0)) {
                // not a descent direction (curvature pairs gone stale): restart from steepest descent
                stored = 0;
                for (int j = 0; j < n; j++) {
                    d[j] = -pg[j];
                }
                slope = -dot(pg, pg);
            }
            double step = iteration == 0 && stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-slope)) : 1.0;
            // only a first step from far away (a gradient on the scale of the reference) may be a guess too short
            Search search = orthantWise
                    ? backtrack(f, x, value, pg, d, orthant, l1, step, xNew, gNew)
                    : strongWolfe(f, x, value, g, d, slope, step, stored == 0 && norm >= GUESS_SCALE * startNorm, xNew, gNew);
            double newValue = search.value();
            evaluations += search.evaluations();
            if (!(newValue < value)) {
                stop = Stop.LINE_SEARCH;
                break;
            }
            // a step that met no Wolfe condition and lowered the objective by no more than its rounding:
            // take it, and stop there (the next search would only compare rounding again)
            boolean roundingOnly = !orthantWise && !search.wolfe() && value - newValue <= resolution * Math.abs(value);
            iteration++;
            // the correction pair, from the smooth gradients (the l1 term has no curvature)
            double sy = 0;
            double yy = 0;
            for (int j = 0; j < n; j++) {
                sNext[j] = xNew[j] - x[j];
                yNext[j] = gNew[j] - g[j];
                sy += sNext[j] * yNext[j];
                yy += yNext[j] * yNext[j];
            }
            // keep the pair only where it carries positive curvature, else the oldest pair would be lost for nothing
            if (sy > 1e-12 * yy && yy > 0) {
                int slot = (newest + 1) % history;
                double[] oldS = s[slot];
                double[] oldY = y[slot];
                s[slot] = sNext;
                y[slot] = yNext;
                sNext = oldS;
                yNext = oldY;
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(stored + 1, history);
            }
            double previous = value;
            value = newValue;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            pseudoGradient(x, g, l1, pg);
            norm = maxAbs(pg);
            if (progress != null && !progress.onIteration(iteration, value, norm, x)) {
                stop = Stop.INTERRUPTED;
                break;
            }
            if (norm <= gradientTolerance * startNorm) {
                stop = Stop.GRADIENT;
                break;
            }
            if (roundingOnly) {
                stop = Stop.LINE_SEARCH;
                break;
            }
            if (previous - value <= tolerance * Math.max(Math.abs(value), Math.abs(previous))) {
                stop = Stop.OBJECTIVE;
                break;
            }
        }
        return new Result(x, value, iteration, evaluations, stop, norm, startNorm);
    }

    /**
     * Multiplies d by the first Hessian guess H0 from the newest correction pair: (s'y / y'y) I without a
     * ridge term; with one, diag(1 / (c + k_j)), c = r'r / s'r the same estimate for the rest of the
     * curvature, r = y - k s (the ridge's share of y is known exactly). c is kept at or above a thousandth
     * of y's own estimate, so that a pair that is nearly all ridge cannot make c, and the steps of the
     * unpenalized coordinates (intercepts), unbounded.
     */
    private static void firstHessianGuess(double[] s, double[] y, double[] ridge, double[] d) {
        double sy = dot(s, y);
        double yy = dot(y, y);
        if (ridge == null) {
            double scale = sy / yy;
            for (int j = 0; j < d.length; j++) {
                d[j] *= scale;
            }
            return;
        }
        double sr = 0;
        double rr = 0;
        for (int j = 0; j < s.length; j++) {
            double r = y[j] - ridge[j] * s[j];
            sr += s[j] * r;
            rr += r * r;
        }
        double c = Math.max(sr > 0 ? rr / sr : 0, MINIMUM_DATA_CURVATURE * yy / sy);
        for (int j = 0; j < d.length; j++) {
            d[j] /= c + ridge[j];
        }
    }

    /**
     * What a line search found: the lowest objective it reached (its point and gradient are in xNew and
     * gNew; +infinity when no evaluation was finite), the evaluations it took, and whether the point
     * satisfies the strong Wolfe conditions (false: the best point seen, or an OWL-QN step).
     */
    private record Search(double value, int evaluations, boolean wolfe) {
    }

    /** One evaluation along the search direction: the step, the objective there, and its slope along d. */
    private record Sample(double step, double value, double slope) {
        /** An evaluation that failed (non-finite) counts as infinitely high, with no slope to interpolate. */
        static Sample of(double step, double value, double slope) {
            boolean finite = Double.isFinite(value) && Double.isFinite(slope);
            return new Sample(step, finite ? value : Double.POSITIVE_INFINITY, finite ? slope : Double.NaN);
        }
    }

    /**
     * A step along d that satisfies the strong Wolfe conditions (Nocedal and Wright, Algorithms 3.5 and
     * 3.6, with cubic interpolation), or else the point with the lowest objective it saw. Writes the
     * point and its gradient into xNew and gNew.
     */
    private Search strongWolfe(SmoothFunction f, double[] x, double value, double[] g, double[] d, double slope,
                                 double initial, boolean guessedStep, double[] xNew, double[] gNew) {
        int n = x.length;
        double[] trial = new double[n];
        double[] trialGradient = new double[n];
        double bestValue = Double.POSITIVE_INFINITY;
        Sample previous = new Sample(0, value, slope);
        Sample low = previous;
        Sample high = null;
        double step = initial;
        int evaluations = 0;
        while (evaluations < LINE_SEARCH_EVALUATIONS) {
            for (int j = 0; j < n; j++) {
                trial[j] = x[j] + step * d[j];
            }
            Sample sample = Sample.of(step, f.valueAndGradient(trial, trialGradient), dot(trialGradient, d));
            evaluations++;
            boolean finite = !Double.isNaN(sample.slope());
            if (finite && sample.value() < bestValue) {
                bestValue = sample.value();
                System.arraycopy(trial, 0, xNew, 0, n);
                System.arraycopy(trialGradient, 0, gNew, 0, n);
            }
            boolean armijo = finite && sample.value() <= value + ARMIJO * step * slope;
            boolean curvature = Math.abs(sample.slope()) <= -CURVATURE * slope;
            if (high == null) {
                if (guessedStep && finite && !armijo && sample.slope() <= CURVATURE * slope
                        && Math.abs(sample.value() - value) <= Math.max(resolution, 1e-12) * Math.abs(value)) {
                    // a steepest-descent step of guessed length (no curvature pair yet) that the objective cannot
                    // resolve (float32 sums of a large objective) while the slope says the descent goes on: go
                    // ten times further instead of shrinking. A quasi-Newton step has its own scale, and near
                    // the optimum such a step's change is rounding: there the search must not run off.
                    previous = sample;
                    step *= 10;
                    continue;
                }
                if (!armijo || (evaluations > 1 && sample.value() >= previous.value())) {
                    low = previous;
                    high = sample;
                } else if (curvature) {
                    return accept(trial, trialGradient, sample.value(), evaluations, xNew, gNew);
                } else if (sample.slope() >= 0) {
                    low = sample;
                    high = previous;
                } else {
                    previous = sample;
                    step *= 2;
                    continue;
                }
            } else {
                if (resolution > 0 && Math.abs(sample.value() - value) <= resolution * Math.abs(value)) {
                    // the values left to compare are rounding: the best point seen is as good as this search gets
                    return new Search(bestValue, evaluations, false);
                }
                if (!armijo || sample.value() >= low.value()) {
                    high = sample;
                } else {
                    if (curvature) {
                        return accept(trial, trialGradient, sample.value(), evaluations, xNew, gNew);
                    }
                    if (sample.slope() * (high.step() - low.step()) >= 0) {
                        high = low;
                    }
                    low = sample;
                }
            }
            step = interpolate(low.step(), low.value(), low.slope(), high.step(), high.value(), high.slope());
        }
        return new Search(bestValue, evaluations, false);
    }

    private static Search accept(double[] trial, double[] gradient, double value, int evaluations, double[] xNew,
                                   double[] gNew) {
        System.arraycopy(trial, 0, xNew, 0, trial.length);
        System.arraycopy(gradient, 0, gNew, 0, gradient.length);
        return new Search(value, evaluations, true);
    }

    /**
     * The minimizer of the cubic through both ends' values and slopes, kept inside the middle 80% of
     * the interval; bisection where the cubic does not help or an end is not finite.
     */
    static double interpolate(double a, double fa, double da, double b, double fb, double db) {
        double width = b - a;
        double lower = Math.min(a, b) + 0.1 * Math.abs(width);
        double upper = Math.max(a, b) - 0.1 * Math.abs(width);
        double middle = (a + b) / 2;
        if (!Double.isFinite(fb) || !Double.isFinite(db)) {
            return a + 0.25 * width;
        }
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double radicand = d1 * d1 - da * db;
        if (radicand < 0) {
            return middle;
        }
        double d2 = Math.signum(b - a) * Math.sqrt(radicand);
        double t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
        return Double.isFinite(t) ? Math.max(lower, Math.min(upper, t)) : middle;
    }

    /**
     * OWL-QN's line search: halve the step until the point projected onto the orthant lowers the
     * objective enough (Armijo along the projected step), or else take the lowest point it saw.
     */
    private Search backtrack(SmoothFunction f, double[] x, double value, double[] pg, double[] d, double[] orthant,
                               double[] l1, double initial, double[] xNew, double[] gNew) {
        int n = x.length;
        double step = initial;
        double bestValue = Double.POSITIVE_INFINITY;
        double[] trial = new double[n];
        double[] trialGradient = new double[n];
        for (int evaluations = 1; evaluations <= LINE_SEARCH_EVALUATIONS; evaluations++) {
            double decrease = 0;
            for (int j = 0; j < n; j++) {
                double moved = x[j] + step * d[j];
                trial[j] = Math.signum(moved) == orthant[j] ? moved : 0;
                decrease += pg[j] * (trial[j] - x[j]);
            }
            double trialValue = f.valueAndGradient(trial, trialGradient) + penalty(l1, trial);
            if (Double.isFinite(trialValue) && trialValue < bestValue) {
                bestValue = trialValue;
                System.arraycopy(trial, 0, xNew, 0, n);
                System.arraycopy(trialGradient, 0, gNew, 0, n);
            }
            if (Double.isFinite(trialValue) && trialValue <= value + ARMIJO * decrease) {
                return new Search(trialValue, evaluations, false);
            }
            step /= 2;
        }
        return new Search(bestValue, LINE_SEARCH_EVALUATIONS, false);
    }

    /**
     * The pseudo-gradient of f + sum c_j |x_j|: the gradient where |x_j| is differentiable, and at
     * x_j = 0 the one-sided derivative that descends, or 0 when neither side descends.
     */
    static void pseudoGradient(double[] x, double[] g, double[] l1, double[] out) {
        for (int j = 0; j < x.length; j++) {
            double c = l1 == null ? 0 : l1[j];
            if (c == 0 || x[j] > 0) {
                out[j] = g[j] + c;
            } else if (x[j] < 0) {
                out[j] = g[j] - c;
            } else if (g[j] + c < 0) {
                out[j] = g[j] + c;
            } else if (g[j] - c > 0) {
                out[j] = g[j] - c;
            } else {
                out[j] = 0;
            }
        }
    }

    /** The largest entry of the pseudo-gradient at x: the measure every gradient tolerance here compares. */
    public static double pseudoGradientNorm(double[] x, double[] g, double[] l1) {
        double[] pg = new double[x.length];
        pseudoGradient(x, g, l1, pg);
        return maxAbs(pg);
    }

    static double penalty(double[] l1, double[] x) {
        if (l1 == null) {
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            sum += l1[j] * Math.abs(x[j]);
        }
        return sum;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static double maxAbs(double[] v) {
        double largest = 0;
        for (double value : v) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest;
    }
}
