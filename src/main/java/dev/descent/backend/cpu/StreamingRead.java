package dev.descent.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory floor of a step: every thread streams its contiguous share of X once and sums it with
 * vectors. A step that reads X once cannot beat this; the benchmarks report against it.
 */
public final class StreamingRead implements AutoCloseable {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private final float[] x;
    private final WorkerPool pool;
    private final double[] sums;
    private final WorkerPool.Work work = this::share;

    public StreamingRead(float[] x, int threads) {
        this.x = x;
        this.pool = new WorkerPool(threads, "descent-read");
        this.sums = new double[threads];
    }

    /** One pass over X on every thread; the sum, so the reads cannot be optimized away. */
    public double sum() {
        pool.run(work);
        double total = 0;
        for (double s : sums) {
            total += s;
        }
        return total;
    }

    /** Bytes per second: one warm-up pass, then the median of {@code passes} timed passes. */
    public double bytesPerSecond(int passes) {
        double sink = sum();
        double[] seconds = new double[passes];
        for (int p = 0; p < passes; p++) {
            long start = System.nanoTime();
            sink += sum();
            seconds[p] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return sink == Double.MIN_VALUE ? 0 : (double) Float.BYTES * x.length / seconds[passes / 2];
    }

    private void share(int worker, int workers) {
        int size = (x.length + workers - 1) / workers;
        int from = worker * size;
        int to = Math.min(x.length, from + size);
        int lanes = SPECIES.length();
        FloatVector a = FloatVector.zero(SPECIES);
        FloatVector b = FloatVector.zero(SPECIES);
        int i = from;
        for (; i + 2 * lanes <= to; i += 2 * lanes) {
            a = a.add(FloatVector.fromArray(SPECIES, x, i));
            b = b.add(FloatVector.fromArray(SPECIES, x, i + lanes));
        }
        float sum = a.add(b).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += x[i];
        }
        sums[worker] = sum;
    }

    @Override
    public void close() {
        pool.close();
    }
}
