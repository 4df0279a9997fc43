package dev.descent.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run one piece of work together and return, with no allocation per
 * run (a step must not make garbage). The calling thread is worker 0 and takes its share too.
 * {@link #runEach} hands out numbered pieces one at a time to whichever worker is free: which
 * worker runs a piece depends on timing, so a piece's result must depend only on the piece.
 */
final class WorkerPool implements AutoCloseable {
    /** Spins before a waiting thread parks: a step's gap between runs is short, a park is slow. */
    private static final int SPINS_BEFORE_PARK = 1 << 14;

    /** One run's work: worker w of n does its share. */
    interface Work {
        void run(int worker, int workers);
    }

    /** Piece p of a {@link #runEach}, run by worker w. */
    interface Piece {
        void run(int worker, int piece);
    }

    private final Thread[] helpers;
    private final int workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Work work;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    // The current runEach: written by the calling thread before run() publishes the run.
    private final AtomicInteger nextPiece = new AtomicInteger();
    private int pieceCount;
    private Piece pieceWork;
    private final Work claimPieces = this::claimPieces;

    WorkerPool(int workers, String name) {
        this.workers = workers;
        this.helpers = new Thread[workers - 1];
        for (int h = 0; h < helpers.length; h++) {
            int index = h + 1;
            helpers[h] = new Thread(() -> helperLoop(index), name + "-" + index);
            helpers[h].setDaemon(true);
            helpers[h].start();
        }
    }

    int workers() {
        return workers;
    }

    /**
     * Runs pieces 0 .. count - 1, each once, and returns when all are done. Workers claim the next
     * piece from a shared counter, so a core slowed by a neighbour (a shared machine, the JIT, a page
     * fault) does fewer pieces instead of holding the run up, as it would with fixed shares; one
     * atomic increment per piece. A single piece runs on the calling thread alone.
     */
    void runEach(int count, Piece piece) {
        checkOpen();
        if (count == 1) {
            piece.run(0, 0);
            return;
        }
        pieceCount = count;
        pieceWork = piece;
        nextPiece.set(0);
        try {
            run(claimPieces);
        } finally {
            pieceWork = null;
        }
    }

    private void claimPieces(int worker, int workers) {
        for (int p = nextPiece.getAndIncrement(); p < pieceCount; p = nextPiece.getAndIncrement()) {
            pieceWork.run(worker, p);
        }
    }

    /** Runs {@code task} on every worker and returns when all are done; rethrows a worker's failure. */
    private void run(Work task) {
        checkOpen();
        if (helpers.length == 0) {
            task.run(0, 1);
            return;
        }
        failure = null;
        work = task;
        caller = Thread.currentThread();
        remaining.set(helpers.length);
        generation = generation + 1;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper);
        }
        Throwable own = null;
        try {
            task.run(0, workers);
        } catch (Throwable t) {
            own = t;
        }
        int spins = 0;
        while (remaining.get() != 0) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        work = null;
        Throwable first = own != null ? own : failure;
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private void helperLoop(int index) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                work.run(index, workers);
            } catch (Throwable t) {
                failure = t;
            }
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper);
        }
        for (Thread helper : helpers) {
            try {
                helper.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
