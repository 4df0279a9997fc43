package dev.descent.optim;

/**
 * The objective made from data-term sums, in one place for every backend and solver:
 * <pre>
 *   f(w, b) = L / S + (l2/2) ||w||^2 + l1 ||w||_1,     grad of the smooth part = G / S + l2 w
 * </pre>
 * (intercepts unpenalized, and their gradient 0 when no intercept is fitted; see {@link DataTermSums}).
 */
public final class Objective {
    private Objective() {
    }

    /**
     * f at {@code parameters} from the sums of all rows (or of a batch, for its estimate), and the
     * gradient of its smooth part written into {@code gradientOut} when that is not null.
     */
    public static double of(Problem problem, DataTermSums sums, double[] parameters, double[] gradientOut) {
        double inverse = 1.0 / sums.weightTotal();
        double[] gradient = gradientOut != null ? gradientOut : new double[problem.parameterCount()];
        double[] g = sums.gradient();
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] = g[j] * inverse;
        }
        return sums.lossSum() * inverse + problem.regularize(parameters, gradient);
    }
}
