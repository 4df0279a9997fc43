package dev.descent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for loading a data file, in MiB of the file, shown once the load has taken a second
 * (a large CSV takes several): a daemon thread watches the counter the reader adds its bytes to
 * ({@link dev.descent.data.DataFile#read(Path, dev.descent.data.DataFile.Format,
 * dev.descent.data.DataFile.Request, AtomicLong)}).
 */
final class LoadProgress implements AutoCloseable {
    private static final long MIB = 1 << 20;
    private final AtomicLong bytesRead = new AtomicLong();
    private final Thread watcher;
    private volatile boolean done;
    private ProgressBar bar;

    /** {@code consumer} null: count, show nothing. */
    LoadProgress(Path file, ProgressBarConsumer consumer, long delayMillis) {
        long size = sizeOf(file);
        if (consumer == null || size <= 0) {
            watcher = null;
            return;
        }
        watcher = new Thread(() -> watch(file, size, consumer, delayMillis), "descent-load-progress");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** What the reader adds the bytes it reads to. */
    AtomicLong bytesRead() {
        return bytesRead;
    }

    private void watch(Path file, long size, ProgressBarConsumer consumer, long delayMillis) {
        try {
            Thread.sleep(delayMillis);
            synchronized (this) {
                if (done) {
                    return;
                }
                bar = new ProgressBarBuilder().setTaskName("load " + file.getFileName()).setInitialMax(size)
                        .setUnit(" MiB", MIB).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(consumer).build();
            }
            while (!done) {
                bar.stepTo(Math.min(size, bytesRead.get()));
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            done = true;
            if (bar != null) {
                bar.stepTo(Math.min(bar.getMax(), bytesRead.get()));
                bar.close();
            }
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
