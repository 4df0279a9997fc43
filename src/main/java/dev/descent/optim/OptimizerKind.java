package dev.descent.optim;

import dev.descent.InvalidInputException;
import java.util.Locale;

/** The update rules descent implements; the formulas are in {@link ParameterUpdate}. */
public enum OptimizerKind {
    GD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM;

    /** Adaptive rules scale each coordinate by its own gradient history. */
    public boolean isAdaptive() {
        return this == ADAGRAD || this == RMSPROP || this == ADAM;
    }

    public static OptimizerKind parse(String name) {
        for (OptimizerKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new InvalidInputException("unknown optimizer '" + name
                + "': expected gd, momentum, nesterov, adagrad, rmsprop or adam");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
