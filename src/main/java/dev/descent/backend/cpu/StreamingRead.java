package dev.descent.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory floor of a step: the threads stream X once, claiming pieces from a shared counter as
 * the step's blocks are claimed and of the same byte sizes (1 MiB where X holds 16 of those, else
 * 256 KiB; the step's blocks are whole chunks of rows, so they can be longer, at least 512 rows at 1
 * MiB), so that neither is held up by a slowed core while the other is, and sum them with the
 * step's vector width (one vector shape per process: mixing shapes in one JVM can cost the step
 * its intrinsics). A step that reads X once cannot beat this; the benchmarks report against it.
 */
public final class StreamingRead implements AutoCloseable {
    private static final VectorSpecies<Float> SPECIES = CpuTuning.SPECIES;
    /** Floats per claimed piece, as the step's blocks: {@link CpuTuning#LONG_BLOCK_BYTES} or {@link CpuTuning#BLOCK_BYTES}. */
    private final int piece;

    private final float[] x;
    private final WorkerPool pool;
    private final double[] sums;
    private final WorkerPool.Piece work = this::addPiece;
    private final int pieces;

    /** Whether this JVM can run it: it needs jdk.incubator.vector ({@link VectorSupport}). */
    public static boolean available() {
        return VectorSupport.AVAILABLE;
    }

    public StreamingRead(float[] x, int threads) {
        VectorProfiles.ensurePrimed();
        this.x = x;
        this.pool = new WorkerPool(threads, "descent-read");
        this.sums = new double[threads];
        long bytes = (long) Float.BYTES * x.length;
        this.piece = (bytes >= (long) CpuTuning.LONG_BLOCK_MIN_BLOCKS * CpuTuning.LONG_BLOCK_BYTES
                ? CpuTuning.LONG_BLOCK_BYTES : CpuTuning.BLOCK_BYTES) / Float.BYTES;
        this.pieces = (int) ((x.length + (long) piece - 1) / piece);
    }

    /** One pass over X on every thread; the sum, so the reads cannot be optimized away. */
    public double sum() {
        Arrays.fill(sums, 0);
        pool.runEach(pieces, work);
        double total = 0;
        for (double s : sums) {
            total += s;
        }
        return total;
    }

    /**
     * Bytes per second: untimed passes for at least {@code warmupSeconds} (and at least one), so that
     * the JIT has compiled the loop (0.1-0.5 s on a busy 2-core machine, while a pass over 50 MB takes
     * 1.5 ms), then the median of {@code passes} timed passes.
     */
    public double bytesPerSecond(int passes, double warmupSeconds) {
        double sink = 0;
        long warmupStart = System.nanoTime();
        do {
            sink += sum();
        } while (System.nanoTime() - warmupStart < warmupSeconds * 1e9);
        double[] seconds = new double[passes];
        for (int p = 0; p < passes; p++) {
            long start = System.nanoTime();
            sink += sum();
            seconds[p] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return sink == Double.MIN_VALUE ? 0 : (double) Float.BYTES * x.length / seconds[passes / 2];
    }

    private void addPiece(int worker, int index) {
        int from = index * piece;
        sums[worker] += sumOf(from, Math.min(x.length, from + piece));
    }

    private float sumOf(int from, int to) {
        int lanes = SPECIES.length();
        FloatVector a = FloatVector.zero(SPECIES);
        FloatVector b = FloatVector.zero(SPECIES);
        // A counted loop (see VectorOps.dot): 2.5-4.5% faster than "i + 2 * lanes <= to", whose
        // loads each kept a bounds check (bench/results/2026-11-23-two-rows).
        int pairsEnd = to - (to - from) % (2 * lanes);
        int i = from;
        for (; i < pairsEnd; i += 2 * lanes) {
            a = a.add(FloatVector.fromArray(SPECIES, x, i));
            b = b.add(FloatVector.fromArray(SPECIES, x, i + lanes));
        }
        float sum = a.add(b).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += x[i];
        }
        return sum;
    }

    @Override
    public void close() {
        pool.close();
    }
}
