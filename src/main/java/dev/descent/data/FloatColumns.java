package dev.descent.data;

import java.util.Arrays;
import java.util.List;

/**
 * A growable float32 array, for data whose row count is known only at the end of the file; or, made with
 * {@link #float64()}, a float64 one (dense features read with {@code --precision double}).
 */
final class FloatColumns {
    private float[] values = new float[1 << 16];
    /** The values in float64 mode (values is then empty), or null. */
    private double[] wide;
    private int size;

    /** A column that holds float64 values ({@link #addDouble}, {@link #toDoubleArray}). */
    static FloatColumns float64() {
        FloatColumns column = new FloatColumns();
        column.values = new float[0];
        column.wide = new double[1 << 16];
        return column;
    }

    void add(float value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, grown(values.length));
        }
        values[size++] = value;
    }

    /** Adds a value to a float64 column. */
    void addDouble(double value) {
        if (size == wide.length) {
            wide = Arrays.copyOf(wide, grown(wide.length));
        }
        wide[size++] = value;
    }

    /** Whether this column holds float64 values. */
    boolean isFloat64() {
        return wide != null;
    }

    private static int grown(int length) {
        if (length >= CsrMatrix.MAX_NON_ZEROS) {
            throw beyondOneArray();
        }
        return (int) Math.min(Integer.MAX_VALUE - 8L, length * 2L);
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

    /** A float64 column's values, trimmed to size. */
    double[] toDoubleArray() {
        return wide.length == size ? wide : Arrays.copyOf(wide, size);
    }

    /** Adds these values at the end of {@code other}. */
    void appendTo(FloatColumns other) {
        for (int i = 0; i < size; i++) {
            other.add(values[i]);
        }
    }

    /** Gives back the room beyond size (a finished block's values, waiting to be joined). */
    void trim() {
        if (wide != null) {
            wide = toDoubleArray();
        } else {
            values = toArray();
        }
    }

    /**
     * The values of {@code parts} (all float32 or all float64) in order, as one exactly sized column; each part
     * is emptied once copied, so that the parts and the whole are held together at most once.
     */
    static FloatColumns joined(List<FloatColumns> parts) {
        long total = 0;
        for (FloatColumns part : parts) {
            total += part.size;
        }
        if (total > CsrMatrix.MAX_NON_ZEROS) {
            throw beyondOneArray();
        }
        boolean float64 = !parts.isEmpty() && parts.get(0).isFloat64();
        FloatColumns all = float64 ? float64() : new FloatColumns();
        if (float64) {
            all.wide = new double[(int) total];
        } else {
            all.values = new float[(int) total];
        }
        for (FloatColumns part : parts) {
            if (float64) {
                System.arraycopy(part.wide, 0, all.wide, all.size, part.size);
                part.wide = new double[0];
            } else {
                System.arraycopy(part.values, 0, all.values, all.size, part.size);
                part.values = new float[0];
            }
            all.size += part.size;
            part.size = 0;
        }
        return all;
    }
}
