package dev.descent.optim;

import dev.descent.InvalidInputException;
import java.util.Locale;

/** How a fit moves: first-order steps fused on the device, or a quasi-Newton method on the device's data-term sums. */
public enum Solver {
    /** The fused first-order step of {@link OptimizerKind} (full batch or mini-batches), with its learning rate. */
    FIRST_ORDER,
    /** Limited-memory BFGS with a strong Wolfe line search; full batch, no l1. */
    LBFGS,
    /** Orthant-wise L-BFGS for l1 and elastic net, with exact zeros; full batch. */
    OWLQN;

    /** Parses "first-order", "lbfgs" or "owlqn" (any case). */
    public static Solver parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Solver solver : values()) {
            if (solver.toString().equals(wanted)) {
                return solver;
            }
        }
        throw new InvalidInputException("unknown solver '" + name + "': expected first-order, lbfgs or owlqn");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
