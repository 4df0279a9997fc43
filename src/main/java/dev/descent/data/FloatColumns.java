package dev.descent.data;

import java.util.Arrays;

/** A growable float32 array, for data whose row count is known only at the end of the file. */
final class FloatColumns {
    private float[] values = new float[1 << 16];
    private int size;

    void add(float value) {
        if (size == values.length) {
            if (values.length >= Integer.MAX_VALUE - 8) {
                throw new DataFormatException("the data holds more than " + (Integer.MAX_VALUE - 8)
                        + " values, the most one Java array can hold");
            }
            values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8L, values.length * 2L));
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** The values, trimmed to size. */
    float[] toArray() {
        return values.length == size ? values : Arrays.copyOf(values, size);
    }
}
