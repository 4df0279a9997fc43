package dev.descent.backend.cpu;

import java.util.Arrays;

/**
 * The gradient sums of a pass whose rows scatter into columns (sparse rows, float64 rows), kept per segment of
 * consecutive rows and summed in segment order: no atomics, and the bits depend only on the segments, which
 * depend only on the data. Each segment has k*d sums in (d, k) layout, so that a feature's k sums are adjacent,
 * then k intercept sums and the loss sum.
 */
final class SegmentSums {
    /**
     * Doubles in a 64-byte cache line: the padding after each segment's sums (and the per-worker scratch of the
     * passes that use them). Workers claim consecutive segments, and without it the end of one segment's sums
     * shared a line with the start of the next's: rows of 64 float64 features then ran slower on two threads
     * than on one (23 ms a pass against 16.5 ms, 200,000 x 64).
     */
    static final int CACHE_LINE_DOUBLES = 8;

    /** Per segment: k*d gradient sums, (d, k) layout, then a cache line of padding; zero between passes. */
    final double[][] accumulators;
    /** Per segment: k intercept sums, then the loss sum. */
    final double[][] totals;
    private final int features;
    private final int outputs;

    SegmentSums(int segments, int features, int outputs) {
        this.accumulators = new double[segments][outputs * features + CACHE_LINE_DOUBLES];
        this.totals = new double[segments][outputs + 1];
        this.features = features;
        this.outputs = outputs;
    }

    /**
     * Sums the first {@code segments} segments in segment order into {@code out} ((k, d) weights, then k
     * intercepts), zeroing them for the next pass; returns the loss sum. Column ranges run on every worker.
     */
    double reduce(WorkerPool pool, int segments, double[] out, int k) {
        int pieces = Math.max(1, Math.min(pool.workers() * 4, features / 4096 + 1));
        pool.runEach(pieces, (worker, piece) -> {
            int from = (int) ((long) features * piece / pieces);
            int to = (int) ((long) features * (piece + 1) / pieces);
            for (int j = from; j < to; j++) {
                for (int c = 0; c < k; c++) {
                    double sum = 0;
                    for (int s = 0; s < segments; s++) {
                        sum += accumulators[s][j * k + c];
                        accumulators[s][j * k + c] = 0;
                    }
                    out[c * features + j] = sum;
                }
            }
        });
        double lossSum = 0;
        Arrays.fill(out, k * features, k * features + k, 0);
        for (int s = 0; s < segments; s++) {
            for (int c = 0; c < k; c++) {
                out[k * features + c] += totals[s][c];
            }
            lossSum += totals[s][outputs];
            Arrays.fill(totals[s], 0);
        }
        return lossSum;
    }
}
