package dev.descent.backend;

/** Knows whether one backend can run here, and makes instances of it. */
public interface BackendProvider {

    /** The name users pass to {@code --backend}. */
    String name();

    /** Whether it can run on this machine, on what, or why not. Cheap after the first call. */
    Availability availability();

    /**
     * Why {@code auto} passes it over without even probing it (a probe that could only cost time or harm
     * the process), or null; naming it still opens it.
     */
    default String autoSkipReason() {
        return null;
    }

    /** Whether its backends take sparse (CSR) data as it is ({@link Backend#takesSparse()}); auto prefers those for sparse data. */
    default boolean takesSparse() {
        return false;
    }

    /** Whether its backends take float64 dense data as it is ({@link Backend#takesFloat64()}); auto prefers those for it. */
    default boolean takesFloat64() {
        return false;
    }

    /** Whether {@code auto} may pick it (the reference backend is for checking, not for speed). */
    boolean eligibleForAuto();

    /** A fresh instance; call only when {@link #availability()} says it is available. */
    Backend create();

    /**
     * A fresh instance that uses at most {@code threads} CPU threads for its passes (a backend whose passes
     * run on a device, or on one thread, ignores it).
     */
    default Backend create(int threads) {
        return create();
    }

    /** An instance on a chosen device, from a name such as "opencl:1" (the part after the colon). */
    default Backend create(String selector) {
        throw new dev.descent.InvalidInputException("backend " + name() + " has no device choice; use plain " + name());
    }

    /**
     * The device a selector such as the "1" of "cuda:1" names, out of the devices a backend found;
     * anything else is an error that says which selectors exist.
     */
    static <T> T deviceAt(String backend, String selector, java.util.List<T> devices) {
        try {
            int index = Integer.parseInt(selector);
            if (index >= 0 && index < devices.size()) {
                return devices.get(index);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new dev.descent.InvalidInputException(backend + ":" + selector + " is not a device; descent devices lists "
                + devices.size() + " (" + backend + ":0 .. " + backend + ":" + (devices.size() - 1) + ")");
    }

    /** Why auto passes it over although it is available (only asked when {@link #eligibleForAuto()} is false). */
    default String autoIneligibleReason() {
        return "never chosen automatically";
    }

    /** One line per device, for descent devices. */
    default java.util.List<String> deviceDescriptions() {
        Availability availability = availability();
        return availability.available() ? java.util.List.of(availability.device()) : java.util.List.of();
    }
}
