package dev.descent;

/** How a fit ended. Only CONVERGED means the stopping rule was met. */
public enum FitStatus {
    /** The stopping rule was met (objective no longer improving, or gradient norm small). */
    CONVERGED,
    /**
     * Early stopping: the loss on held-out rows stopped improving ({@link Fitter#validation}); the
     * weights are those with the lowest held-out loss.
     */
    EARLY_STOPPED,
    /** The epoch limit came first; the weights are the last iterate. */
    MAX_EPOCHS,
    /** The objective became non-finite or kept rising; the weights are the best seen, not the last. */
    DIVERGED,
    /**
     * A quasi-Newton solver's line search found no lower objective while the gradient was still large
     * (a badly scaled or degenerate problem); the weights are the best found.
     */
    STALLED,
    /**
     * The fitting thread was interrupted (Thread.interrupt from the API, Ctrl-C from the command line);
     * the fit stopped at the next step boundary and the weights are the best seen so far.
     */
    INTERRUPTED
}
