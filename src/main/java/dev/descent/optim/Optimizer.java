package dev.descent.optim;

import dev.descent.InvalidInputException;

/**
 * An update rule with its hyperparameters. The defaults are the usual ones (PyTorch's, except
 * RMSProp's decay, which follows Hinton's 0.9).
 *
 * @param kind     the rule
 * @param momentum heavy-ball coefficient for MOMENTUM and NESTEROV
 * @param betaOne  decay of Adam's first moment
 * @param betaTwo  decay of Adam's second moment
 * @param rho      decay of RMSProp's mean square
 * @param epsilon  added to the root of the second moment (AdaGrad, RMSProp, Adam)
 */
public record Optimizer(OptimizerKind kind, double momentum, double betaOne, double betaTwo, double rho,
                        double epsilon) {

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA_ONE = 0.9;
    public static final double DEFAULT_BETA_TWO = 0.999;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_EPSILON = 1e-8;

    public Optimizer {
        if (kind == null) {
            throw new InvalidInputException("optimizer kind must not be null");
        }
        requireFraction("momentum", momentum);
        requireFraction("betaOne", betaOne);
        requireFraction("betaTwo", betaTwo);
        requireFraction("rho", rho);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new InvalidInputException("epsilon must be positive and finite, got " + epsilon);
        }
    }

    /** The rule with its default hyperparameters. */
    public static Optimizer of(OptimizerKind kind) {
        return new Optimizer(kind, DEFAULT_MOMENTUM, DEFAULT_BETA_ONE, DEFAULT_BETA_TWO, DEFAULT_RHO, DEFAULT_EPSILON);
    }

    public Optimizer withMomentum(double value) {
        return new Optimizer(kind, value, betaOne, betaTwo, rho, epsilon);
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InvalidInputException(name + " must be in [0, 1), got " + value);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case GD -> "gd";
            case MOMENTUM, NESTEROV -> kind + "(momentum=" + momentum + ")";
            case ADAGRAD -> "adagrad(epsilon=" + epsilon + ")";
            case RMSPROP -> "rmsprop(rho=" + rho + ", epsilon=" + epsilon + ")";
            case ADAM -> "adam(betaOne=" + betaOne + ", betaTwo=" + betaTwo + ", epsilon=" + epsilon + ")";
        };
    }
}
