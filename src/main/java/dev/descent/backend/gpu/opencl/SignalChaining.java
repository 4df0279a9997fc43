package dev.descent.backend.gpu.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a native library that replaces the JVM's signal handlers is loaded without the JVM's
 * signal chaining. The JVM takes SIGSEGV for its own use (safepoint polls, implicit null checks) and
 * SIGUSR2, SIGINT and SIGTERM for thread suspension and shutdown hooks. LLVM, which PoCL (and other
 * OpenCL drivers) load to compile kernels, installs its own handlers for all of these: after an
 * OpenCL backend had built its program on PoCL, -Xcheck:jni reported every one of them replaced,
 * and `descent bench` (opencl, then cpu) died with "Segmentation fault" and no hs_err file in 4 of
 * 20 runs, during the cpu backend's steps; with libjsig preloaded, in 0 of 20
 * (bench/results/2026-11-24-signal-chaining). The likely mechanism: LLVM's handlers are installed with
 * SA_RESETHAND and put the old ones back when they run, so one fault is passed on to the JVM; but at
 * a safepoint every worker thread faults on the poll page at once, and a second fault that arrives
 * between the reset and the restore meets the default action, which ends the process without the
 * JVM's error report. Preloading the JDK's libjsig.so
 * (LD_PRELOAD=$JAVA_HOME/lib/libjsig.so) makes such a library's handlers chain behind the JVM's;
 * the ./descent launcher and the test build do that.
 */
public final class SignalChaining {
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SignalChaining() {
    }

    /**
     * A warning naming the library and the fix when one known to replace the JVM's signal handlers
     * (libLLVM) is mapped into this process and libjsig is not; null otherwise, and wherever
     * /proc/self/maps cannot be read (not Linux).
     */
    public static String unchainedWarning() {
        String maps;
        try {
            maps = Files.readString(MAPS);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return unchainedWarning(maps, System.getProperty("java.home"));
    }

    /** {@link #unchainedWarning()} for given contents of /proc/self/maps. Visible for tests. */
    static String unchainedWarning(String maps, String javaHome) {
        if (maps.contains("/libjsig.so")) {
            return null;
        }
        int at = maps.indexOf("/libLLVM");
        if (at < 0) {
            return null;
        }
        int end = maps.indexOf('\n', at);
        String library = maps.substring(maps.lastIndexOf(' ', at) + 1, end < 0 ? maps.length() : end).trim();
        return library + " (loaded by the OpenCL driver to compile kernels) replaces the JVM's signal handlers, and"
                + " libjsig is not loaded to chain them: the JVM can crash later (\"Segmentation fault\", no error report)."
                + " Start the JVM with LD_PRELOAD=" + javaHome + "/lib/libjsig.so, as the ./descent launcher does.";
    }

    /** Logs {@link #unchainedWarning()} once per process (java.lang.System.Logger, level WARNING), if there is one. */
    public static void warnOnceIfUnchained() {
        if (WARNED.get()) {
            return;
        }
        String warning = unchainedWarning();
        if (warning != null && WARNED.compareAndSet(false, true)) {
            System.getLogger("dev.descent").log(System.Logger.Level.WARNING, warning);
        }
    }
}
