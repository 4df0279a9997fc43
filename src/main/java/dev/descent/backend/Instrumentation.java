package dev.descent.backend;

/** What the benchmark measures on a backend with a device of its own; not part of a fit. */
public interface Instrumentation {

    /**
     * The read bandwidth of the memory X lives in, in bytes per second, measured now on the uploaded X.
     */
    double measureReadBandwidth();

    /** Times the steps on the device's own clock (with events) from now on, or stops doing so. */
    void measureDeviceTime(boolean on);

    /** The last step's time on the device's clock, in milliseconds, when measured; NaN otherwise. */
    double lastStepDeviceMillis();
}
