package dev.descent.backend.cpu;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Chooses between one kernel family's vector code and its {@link ScalarTwins scalar twin}, which give
 * the same bits, so the choice changes only the time a pass takes.
 *
 * <p>Until C2 has compiled a Vector API kernel its vectors are boxed: a block of the register kernels
 * then takes 20-70 ms where its twin takes under 1 ms, and C2 needs several hundred thousand rows of
 * such calls before it compiles the kernel (bench/results/2026-12-05-first-pass). So the twin runs
 * the real blocks while a thread of its own runs the vector code over a copy of the first rows, again
 * and again, to get it compiled; the first of those runs that is no slower per row than the fastest
 * twin block seen switches the family to the vector code for good, in this process ({@link Family}).
 * Trial blocks taken from the real pass were tried first and held up every pass by a boxed block
 * (same run). Timing decides only speed, never bits: see
 * ScalarTwinsTest.
 */
final class KernelWarmUp implements AutoCloseable {
    /** Which code runs a family's blocks: chosen by warming up, or forced (tests and benchmarks compare the two). */
    enum Choice { WARM_UP, VECTOR, SCALAR }

    /** The system property that forces a choice for every cpu backend of the process: vector, scalar or warm-up (the default). */
    static final String CHOICE_PROPERTY = "descent.cpu.kernels";

    /**
     * The choice {@link #CHOICE_PROPERTY} asks for. A warm-up needs twins that follow the vector code's
     * lane swaps, written for four and eight lanes; other widths run the vector code from the start. A
     * JVM without the Vector API runs the twins, whatever was asked ({@link VectorSupport}).
     */
    static Choice configuredChoice() {
        String value = System.getProperty(CHOICE_PROPERTY, "warm-up");
        if (!VectorSupport.AVAILABLE) {
            VectorSupport.warnOnceIfMissing();
            return Choice.SCALAR;
        }
        return switch (value) {
            case "vector" -> Choice.VECTOR;
            case "scalar" -> Choice.SCALAR;
            case "warm-up" -> CpuTuning.LANES == 4 || CpuTuning.LANES == 8 ? Choice.WARM_UP : Choice.VECTOR;
            default -> throw new IllegalArgumentException(
                    CHOICE_PROPERTY + " must be vector, scalar or warm-up, got \"" + value + "\"");
        };
    }

    /** Rows of the copy the warm-up runs: a few blocks' worth of calls a second, in L2. */
    static final int WARM_UP_ROWS = 512;

    /**
     * What a warm-up costs, in core-nanoseconds: about 2 s of one core, during which the twins on a
     * 2-core machine run at half speed (200,000 x 64 logistic: twin passes 8 ms alone, 16-25 ms beside
     * it, vector passes 2 ms after it; bench/results/2026-12-05-first-pass).
     */
    static final long WARM_UP_CORE_NANOS = 2_000_000_000L;

    /**
     * How long the twins run a family before its warm-up starts: what the warm-up costs the fit, its core
     * time shared over the cores (1 s on 2 cores). Waiting that long first, as in renting skis before
     * buying, a fit never spends much more than twice the better of the two choices, and the short fits
     * of quasi-Newton solvers end on the twins without sharing their cores.
     */
    static final long WARM_UP_DELAY_NANOS = WARM_UP_CORE_NANOS / Runtime.getRuntime().availableProcessors();

    /**
     * A pass after the first that takes this fraction of the delay or more starts the warm-up at once: a
     * fit has ten passes or more (quasi-Newton at its fastest), so its twins would outlast the delay anyway
     * (60,000 x 784 x 10 softmax: twin passes of about 0.1 s, 111 passes; bench/results/2026-12-05-softmax-tiles).
     */
    static final int HEAVY_PASS_FRACTION = 10;

    /** How long a warm-up tries: about 2 s on a loaded 2-core machine; a vector code still slower after this stays unused. */
    static final long WARM_UP_LIMIT_NANOS = 30_000_000_000L;

    /**
     * What a kernel family has learnt in this process, shared by every pass of every upload: the JIT's
     * compiled code is the process's, so a family whose vector code was found faster once uses it from
     * the first pass of every later upload, and the twins' time counts toward the warm-up's delay across
     * uploads (a service fitting many small models in one process gets the vector code too).
     */
    static final class Family {
        volatile boolean vectorFaster;
        final AtomicLong twinPassNanos = new AtomicLong();
    }

    private final Choice choice;
    private final Family family;
    private volatile boolean closed;
    /** Set when the warm-up thread has stopped, switched or not. */
    private volatile boolean warmUpEnded;
    /**
     * The fastest twin block so far, in nanoseconds per row. Workers update it without a lock: a lost
     * update leaves a slower figure, which can only switch a family to its vector code one run early.
     */
    private volatile double fastestTwinNanosPerRow = Double.POSITIVE_INFINITY;
    private Thread warmer;
    /** When this upload's latest pass of the family started, and how many started; the passes' calling thread's. */
    private long lastPassNanos;
    private int passes;

    KernelWarmUp(Choice choice, Family family) {
        this.choice = choice;
        this.family = family;
    }

    /**
     * Called by the passes' calling thread before each pass of the family: whether it is time to
     * {@link #start} the warm-up (the family's twin passes in this process have taken
     * {@link #WARM_UP_DELAY_NANOS}, or the pass before was heavy, {@link #HEAVY_PASS_FRACTION}).
     */
    boolean dueToStart() {
        if (choice != Choice.WARM_UP || warmer != null || family.vectorFaster) {
            return false;
        }
        long now = System.nanoTime();
        boolean heavyPass = false;
        if (passes++ > 0) {
            long previous = now - lastPassNanos;
            family.twinPassNanos.addAndGet(previous);
            // not after the first pass, which runs interpreted code, slower
            heavyPass = passes > 2 && previous >= WARM_UP_DELAY_NANOS / HEAVY_PASS_FRACTION;
        }
        lastPassNanos = now;
        return heavyPass || family.twinPassNanos.get() >= WARM_UP_DELAY_NANOS;
    }

    /**
     * Starts the thread that warms the vector code up: {@code vectorPass} runs the family's vector code
     * over a copy of the first rows and returns the rows it ran. Called by the passes' calling thread,
     * once.
     */
    void start(IntSupplier vectorPass) {
        warmer = new Thread(() -> warmUp(vectorPass), "descent-cpu-warm-up");
        warmer.setDaemon(true);
        warmer.start();
    }

    private void warmUp(IntSupplier vectorPass) {
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
        try {
            while (!closed && !family.vectorFaster && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                int rows = vectorPass.getAsInt();
                double nanosPerRow = (double) (System.nanoTime() - start) / rows;
                if (nanosPerRow <= fastestTwinNanosPerRow) {
                    family.vectorFaster = true;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Vector code that cannot run here (no jdk.incubator.vector, no intrinsics) leaves the
            // family on its twin, which gives the same results; nothing is lost but speed.
            closed = true;
        } finally {
            warmUpEnded = true;
        }
    }

    /** Runs block {@code blockIndex} of {@code rows} rows by the family's vector code or its twin. */
    void run(CpuPass.BlockKernel vector, CpuPass.BlockKernel twin, int worker, int blockIndex, int rows) {
        if (vectorChosen()) {
            VectorProfiles.ensurePrimed();
            vector.run(worker, blockIndex);
            return;
        }
        long start = System.nanoTime();
        twin.run(worker, blockIndex);
        double nanosPerRow = (double) (System.nanoTime() - start) / rows;
        if (nanosPerRow < fastestTwinNanosPerRow) {
            fastestTwinNanosPerRow = nanosPerRow;
        }
    }

    /** Whether the family's blocks now go to the vector code. */
    boolean vectorChosen() {
        return choice == Choice.VECTOR || choice == Choice.WARM_UP && family.vectorFaster;
    }

    /** Whether the family's blocks now run the code they will keep: the vector code, or the twin for good. */
    boolean settled() {
        return choice != Choice.WARM_UP || family.vectorFaster || warmUpEnded;
    }

    /** Stops the warm-up, if one runs; the family keeps the code it has chosen. */
    @Override
    public void close() {
        closed = true;
    }
}
