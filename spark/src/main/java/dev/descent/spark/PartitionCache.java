package dev.descent.spark;

import dev.descent.Fitter;
import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.data.Dataset;
import dev.descent.data.HeapBudget;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Problem;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;

/**
 * The executor side of a fit: each partition's block uploaded once to a descent backend in this JVM
 * and kept, keyed by fit and partition, for every evaluation of the fit. The driver releases a fit's
 * entries when it ends; an entry unused for {@link #IDLE_RELEASE_MINUTES} is released too (an executor
 * the release job did not reach). A lost entry (a new executor, a released one) is made again from
 * the block, which Spark caches or rebuilds from its lineage.
 */
final class PartitionCache {
    /** Longer than any pause between two evaluations of a fit. */
    static final long IDLE_RELEASE_MINUTES = 10;

    /** What an executor needs to open and fill a backend for one partition. */
    record Spec(String backend, Loss loss, int outputs, int features, boolean intercept) implements Serializable {
        Problem problem() {
            return new Problem(loss, outputs, features, intercept, 0, 0, Optimizer.of(Fitter.DEFAULT_OPTIMIZER));
        }
    }

    /** For tests: runs before a partition's sums (it may throw, as a failing task would). */
    interface Fault extends Serializable {
        void beforeSums(int partition, int attempt);
    }

    private record Key(String fit, int partition) {
    }

    /** A partition's backend (null when the partition has no row of positive weight). */
    private static final class Entry {
        final Backend backend;
        volatile long lastUse = System.nanoTime();

        Entry(Backend backend) {
            this.backend = backend;
        }
    }

    private static final Map<Key, Entry> ENTRIES = new ConcurrentHashMap<>();
    private static final AtomicLong UPLOADS = new AtomicLong();
    static volatile Fault fault;
    private static final ScheduledExecutorService REAPER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "descent-partition-cache-reaper");
        thread.setDaemon(true);
        return thread;
    });

    static {
        REAPER.scheduleWithFixedDelay(PartitionCache::releaseIdle, 1, 1, TimeUnit.MINUTES);
    }

    private PartitionCache() {
    }

    /**
     * The sums of partition {@code partition} of fit {@code fit} at {@code parameters}: from its cached
     * backend, or, on the first call in this JVM, from a backend made from the block {@code blocks} yields.
     */
    static PartitionSums sums(String fit, int partition, Iterator<PartitionBlock> blocks, Spec spec, double[] parameters) {
        TaskContext task = TaskContext.get();
        Fault injected = fault;
        if (injected != null) {
            injected.beforeSums(partition, task == null ? 0 : task.attemptNumber());
        }
        Key key = new Key(fit, partition);
        Entry entry = ENTRIES.get(key);
        if (entry == null) {
            entry = ENTRIES.computeIfAbsent(key, k -> open(blocks.next(), spec, task == null ? 1 : task.cpus()));
        }
        entry.lastUse = System.nanoTime();
        int count = parameters.length;
        if (entry.backend == null) {
            return new PartitionSums(count);
        }
        DataTermSums sums = new DataTermSums(count);
        long start = System.nanoTime();
        // a speculative copy of a task may run beside the first on the same entry; a backend takes one caller at a time
        synchronized (entry) {
            entry.backend.setParameters(parameters);
            entry.backend.dataTermSums(sums);
        }
        return PartitionSums.of(sums, entry.backend.name() + " (" + entry.backend.device() + ")", System.nanoTime() - start);
    }

    private static Entry open(PartitionBlock block, Spec spec, int threads) {
        Dataset data = block.dataset();
        if (data == null) {
            return new Entry(null);
        }
        Backend backend = Backends.open(spec.backend(), threads, data).backend();
        try {
            if (data.isSparse() && !backend.takesSparse()) {
                long bytes = 4L * data.rows() * data.columns();
                if (bytes > HeapBudget.available()) {
                    throw new IllegalArgumentException("backend " + backend.name() + " takes dense rows only: "
                            + HeapBudget.tooLarge(bytes, "partition " + block.partition + " made dense", HeapBudget.available())
                            + "; use the cpu backend for sparse features, or more partitions");
                }
                data = data.dense();
            }
            backend.upload(data, spec.problem());
            UPLOADS.incrementAndGet();
            return new Entry(backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** Releases every entry of {@code fit} in this JVM. */
    static void release(String fit) {
        ENTRIES.entrySet().removeIf(e -> {
            if (e.getKey().fit().equals(fit)) {
                close(e.getValue());
                return true;
            }
            return false;
        });
    }

    /** Releases every entry in this JVM, as the loss of an executor would (for tests). */
    static void releaseAll() {
        ENTRIES.entrySet().removeIf(e -> {
            close(e.getValue());
            return true;
        });
    }

    /** The entries held in this JVM. */
    static int size() {
        return ENTRIES.size();
    }

    /** Backends filled with a partition's block in this JVM so far. */
    static long uploads() {
        return UPLOADS.get();
    }

    private static void releaseIdle() {
        long limit = System.nanoTime() - TimeUnit.MINUTES.toNanos(IDLE_RELEASE_MINUTES);
        ENTRIES.entrySet().removeIf(e -> {
            if (e.getValue().lastUse < limit) {
                close(e.getValue());
                return true;
            }
            return false;
        });
    }

    private static void close(Entry entry) {
        if (entry.backend != null) {
            synchronized (entry) {
                entry.backend.close();
            }
        }
    }
}
