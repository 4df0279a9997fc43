package dev.descent.optim;

/** A differentiable function of a flat vector, as a solver sees it: one call is one evaluation (for a fit, one pass over X). */
@FunctionalInterface
public interface SmoothFunction {

    /** f(x), with its gradient written into {@code gradient}; a non-finite value means "not here". */
    double valueAndGradient(double[] x, double[] gradient);
}
