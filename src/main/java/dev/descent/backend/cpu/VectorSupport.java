package dev.descent.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this JVM can run the Vector API kernels: jdk.incubator.vector is an incubator module, resolved
 * only when the JVM starts with {@code --add-modules jdk.incubator.vector}. Without it the cpu backend
 * runs its {@link ScalarTwins scalar twins} for good (the same results, 3.5-5x slower once compiled)
 * and says once how to get the vector kernels, instead of failing with NoClassDefFoundError. Nothing
 * here loads a Vector API class.
 */
final class VectorSupport {
    /** Whether jdk.incubator.vector is in the boot layer, so that its classes load. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** What to do about a JVM without it: the one line logged. */
    static final String MISSING = "jdk.incubator.vector is not enabled in this JVM, so the cpu backend runs scalar"
            + " code, 3.5-5x slower than its vector kernels; start the JVM with --add-modules jdk.incubator.vector"
            + " (the descent launcher does)";

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private VectorSupport() {
    }

    /** Logs {@link #MISSING} once per process (java.lang.System.Logger, level WARNING) when the module is missing. */
    static void warnOnceIfMissing() {
        if (!AVAILABLE && WARNED.compareAndSet(false, true)) {
            System.getLogger("dev.descent").log(System.Logger.Level.WARNING, MISSING);
        }
    }
}
