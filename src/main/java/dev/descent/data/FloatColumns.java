package dev.descent.data;

import java.util.Arrays;
import java.util.List;

/** A growable float32 array, for data whose row count is known only at the end of the file. */
final class FloatColumns {
    private float[] values = new float[1 << 16];
    private int size;

    void add(float value) {
        if (size == values.length) {
            if (values.length >= CsrMatrix.MAX_NON_ZEROS) {
                throw beyondOneArray();
            }
            values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, values.length * 2L));
        }
        values[size++] = value;
    }

    private static DataFormatException beyondOneArray() {
        return new DataFormatException("the data holds more than " + CsrMatrix.MAX_NON_ZEROS
                + " values, the most one Java array can hold");
    }

    int size() {
        return size;
    }

    /** The values, trimmed to size. */
    float[] toArray() {
        return values.length == size ? values : Arrays.copyOf(values, size);
    }

    /** Adds these values at the end of {@code other}. */
    void appendTo(FloatColumns other) {
        for (int i = 0; i < size; i++) {
            other.add(values[i]);
        }
    }

    /** Gives back the room beyond size (a finished block's values, waiting to be joined). */
    void trim() {
        values = toArray();
    }

    /**
     * The values of {@code parts} in order, as one exactly sized column; each part is emptied once copied, so
     * that the parts and the whole are held together at most once.
     */
    static FloatColumns joined(List<FloatColumns> parts) {
        long total = 0;
        for (FloatColumns part : parts) {
            total += part.size;
        }
        if (total > CsrMatrix.MAX_NON_ZEROS) {
            throw beyondOneArray();
        }
        FloatColumns all = new FloatColumns();
        all.values = new float[(int) total];
        for (FloatColumns part : parts) {
            System.arraycopy(part.values, 0, all.values, all.size, part.size);
            all.size += part.size;
            part.values = new float[0];
            part.size = 0;
        }
        return all;
    }
}
