package dev.descent.backend;

/** Knows whether one backend can run here, and makes instances of it. */
public interface BackendProvider {

    /** The name users pass to {@code --backend}. */
    String name();

    /** Whether it can run on this machine, on what, or why not. Cheap after the first call. */
    Availability availability();

    /** Whether {@code auto} may pick it (the reference backend is for checking, not for speed). */
    boolean eligibleForAuto();

    /** A fresh instance; call only when {@link #availability()} says it is available. */
    Backend create();
}
