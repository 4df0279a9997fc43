package dev.descent.data;

import java.util.Arrays;

/** A growable int array (row ends, feature indices, line numbers) for readers that learn sizes as they go. */
final class IntColumns {
    private int[] values = new int[1 << 12];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, values.length * 2L));
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** These values taken as the ends of CSR rows: the rows' offsets, 0 first (size + 1 of them). */
    long[] asRowOffsets() {
        long[] offsets = new long[size + 1];
        for (int i = 0; i < size; i++) {
            offsets[i + 1] = values[i];
        }
        return offsets;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    /** Adds these values at the end of {@code other}. */
    void appendTo(IntColumns other) {
        for (int i = 0; i < size; i++) {
            other.add(values[i]);
        }
    }
}
