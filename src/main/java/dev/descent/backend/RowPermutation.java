package dev.descent.backend;

/**
 * The order of rows for one epoch of mini-batches: a pseudo-random permutation of [0, n) that is
 * computed per position, with no table. Position p of the epoch visits row
 * {@code row(key, n, p)}.
 *
 * <p>Why this shape: a GPU kernel can compute any position's row on its own, in 32-bit integer
 * arithmetic, so every backend (Java, OpenCL, CUDA) walks the same rows in the same order and
 * nothing of size n crosses to the device per epoch. It is a 4-round Feistel network over the
 * smallest even number of bits that covers n, made to fit [0, n) by cycle walking (apply again
 * until the value falls below n; fewer than 4 rounds of walking on average).
 */
public final class RowPermutation {
    private static final int ROUNDS = 4;

    private RowPermutation() {
    }

    /** The key of one epoch's permutation; distinct epochs give unrelated permutations. */
    public static long epochKey(long seed, int epoch) {
        return mix64(seed * 0x9E3779B97F4A7C15L + epoch);
    }

    /**
     * The sample-weight total of a batch: the rows at positions start .. start + size - 1 of the
     * permutation {@code key}, summed in that order in double (a fixed order, so every backend gets the
     * same bits). Without sample weights each row counts 1. {@code size == rows} is all rows in storage order.
     */
    public static double weightTotal(float[] sampleWeights, int rows, long key, int start, int size) {
        if (sampleWeights == null) {
            return size;
        }
        double total = 0;
        for (int p = 0; p < size; p++) {
            total += sampleWeights[size == rows ? p : row(key, rows, start + p)];
        }
        return total;
    }

    /** The row visited at {@code position} ({@literal 0 <= position < rows}) in the epoch with this key. */
    public static int row(long key, int rows, int position) {
        int bits = Math.max(2, 32 - Integer.numberOfLeadingZeros(rows - 1));
        bits += bits & 1;
        int half = bits / 2;
        int mask = (int) ((1L << half) - 1);
        int value = position;
        do {
            value = feistel(value, key, half, mask);
        } while (Integer.compareUnsigned(value, rows) >= 0);
        return value;
    }

    private static int feistel(int value, long key, int half, int mask) {
        int left = value >>> half;
        int right = value & mask;
        for (int round = 0; round < ROUNDS; round++) {
            int roundKey = (int) (key >>> (16 * round)) ^ (round * 0x632BE5AB);
            int next = left ^ (mix32(right ^ roundKey) & mask);
            left = right;
            right = next;
        }
        return (left << half) | right;
    }

    /** MurmurHash3's 32-bit finalizer: every input bit affects every output bit. */
    static int mix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
