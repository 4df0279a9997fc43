package dev.descent.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, Ctrl-C (SIGINT, or a plain kill) interrupts the thread that opened it and lets that
 * thread finish before the JVM exits: a fit stops at its next step, the command writes the model and
 * its summary, closes this, and only then does the JVM go (with status 130, as for any SIGINT).
 *
 * <p>It is a shutdown hook rather than a signal handler, so it composes with whatever else owns the
 * signals (a test harness, an embedding program). The hook waits at most {@link #FINISH_SECONDS}.
 */
final class CtrlC implements AutoCloseable {
    /** How long the JVM waits, after Ctrl-C, for the fit to stop and the model to be written. */
    static final long FINISH_SECONDS = 60;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private CtrlC(Thread owner) {
        hook = new Thread(() -> {
            owner.interrupt();
            try {
                finished.await(FINISH_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "descent-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static CtrlC interruptsThisThread() {
        return new CtrlC(Thread.currentThread());
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C came: the hook is running and now returns, and the JVM exits
        }
    }
}
