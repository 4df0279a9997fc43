package dev.descent.data;

import dev.descent.InvalidInputException;

/**
 * Sparse features in compressed sparse row (CSR) form, float32: row i's non-zeros are
 * {@code values[rowOffsets[i] .. rowOffsets[i + 1])} at the 0-based columns {@code columnIndices[...]},
 * which increase strictly along a row. An empty row is allowed (only the intercept sees it).
 *
 * <p>The offsets are {@code long} so the format does not end at 2^31 non-zeros; one Java array still
 * holds at most {@link #MAX_NON_ZEROS} of them, and a larger matrix is refused with that number.
 * The arrays are shared, not copied; do not change them while a fit uses them.
 */
public final class CsrMatrix {
    /** The most elements one Java array holds (the JVM's limit, less its header allowance). */
    public static final long MAX_NON_ZEROS = Integer.MAX_VALUE - 8;

    private final long[] rowOffsets;
    private final int[] columnIndices;
    private final float[] values;
    private final int columns;

    private CsrMatrix(long[] rowOffsets, int[] columnIndices, float[] values, int columns) {
        this.rowOffsets = rowOffsets;
        this.columnIndices = columnIndices;
        this.values = values;
        this.columns = columns;
    }

    /**
     * Wraps CSR arrays after checking them: rows + 1 offsets from 0 to the number of non-zeros, never
     * decreasing; column indices in [0, columns), strictly increasing within a row; every value finite.
     * A problem is an {@link InvalidInputException} naming the row (and column) index.
     */
    public static CsrMatrix of(long[] rowOffsets, int[] columnIndices, float[] values, int columns) {
        if (rowOffsets == null || columnIndices == null || values == null) {
            throw new InvalidInputException("CSR data needs row offsets, column indices and values, none null");
        }
        if (rowOffsets.length < 2) {
            throw new InvalidInputException("the data is empty: it has no rows");
        }
        if (columns <= 0) {
            throw new InvalidInputException("the data has zero features: X needs at least one column");
        }
        if (columnIndices.length != values.length) {
            throw new InvalidInputException("CSR data has " + columnIndices.length + " column indices but "
                    + values.length + " values; they pair up one to one");
        }
        int rows = rowOffsets.length - 1;
        if (rowOffsets[0] != 0 || rowOffsets[rows] != values.length) {
            throw new InvalidInputException("CSR row offsets must run from 0 to the " + values.length
                    + " non-zeros, not from " + rowOffsets[0] + " to " + rowOffsets[rows]);
        }
        for (int i = 0; i < rows; i++) {
            long start = rowOffsets[i];
            long end = rowOffsets[i + 1];
            if (end < start) {
                throw new InvalidInputException("row index " + i + ": CSR row offsets decrease (" + start + " then "
                        + end + ")");
            }
            int previous = -1;
            for (int p = (int) start; p < end; p++) {
                int column = columnIndices[p];
                if (column < 0 || column >= columns) {
                    throw InvalidInputException.atCell(i, column, "column index is outside 0.." + (columns - 1));
                }
                if (column <= previous) {
                    throw InvalidInputException.atCell(i, column, "column index after " + previous
                            + ": indices must increase strictly along a row (sorted, no repeats)");
                }
                if (!Float.isFinite(values[p])) {
                    throw InvalidInputException.atCell(i, column, "feature is " + values[p]
                            + "; every feature must be finite");
                }
                previous = column;
            }
        }
        return new CsrMatrix(rowOffsets, columnIndices, values, columns);
    }

    /** The non-zeros of row-major dense X of shape (rows, columns), in CSR. */
    public static CsrMatrix fromDense(float[] x, int rows, int columns) {
        long count = 0;
        for (float value : x) {
            count += value != 0 ? 1 : 0;
        }
        if (count > MAX_NON_ZEROS) {
            throw new InvalidInputException(count + " non-zeros exceed the " + MAX_NON_ZEROS + " one Java array holds");
        }
        long[] offsets = new long[rows + 1];
        int[] indices = new int[(int) count];
        float[] nonZeros = new float[(int) count];
        int p = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                float value = x[i * columns + j];
                if (value != 0) {
                    indices[p] = j;
                    nonZeros[p++] = value;
                }
            }
            offsets[i + 1] = p;
        }
        return of(offsets, indices, nonZeros, columns);
    }

    /** Row-major dense X of shape (rows, columns); refused when rows * columns does not fit one array. */
    public float[] toDense() {
        int rows = rows();
        if ((long) rows * columns > MAX_NON_ZEROS) {
            throw new InvalidInputException(rows + " rows x " + columns + " columns are too many for dense float32 rows"
                    + " (one Java array holds " + MAX_NON_ZEROS + " values)");
        }
        float[] dense = new float[rows * columns];
        for (int i = 0; i < rows; i++) {
            for (int p = (int) rowOffsets[i]; p < rowOffsets[i + 1]; p++) {
                dense[i * columns + columnIndices[p]] = values[p];
            }
        }
        return dense;
    }

    /**
     * X^T in CSR, which is X in compressed sparse columns (CSC): row j of the result holds column j's non-zeros,
     * at the original rows, in increasing row order. A counting sort, O(non-zeros); for a pass that sums each
     * column in a fixed order (the GPU backends' gradient) instead of scattering rows into columns.
     */
    public CsrMatrix transposed() {
        int rows = rows();
        long[] offsets = new long[columns + 1];
        for (int column : columnIndices) {
            offsets[column + 1]++;
        }
        for (int j = 0; j < columns; j++) {
            offsets[j + 1] += offsets[j];
        }
        long[] next = java.util.Arrays.copyOf(offsets, columns);
        int[] rowIndices = new int[values.length];
        float[] columnValues = new float[values.length];
        for (int i = 0; i < rows; i++) {
            for (int p = (int) rowOffsets[i]; p < rowOffsets[i + 1]; p++) {
                int at = (int) next[columnIndices[p]]++;
                rowIndices[at] = i;
                columnValues[at] = values[p];
            }
        }
        return new CsrMatrix(offsets, rowIndices, columnValues, rows);
    }

    public int rows() {
        return rowOffsets.length - 1;
    }

    public int columns() {
        return columns;
    }

    /** The number of stored non-zeros. */
    public long nonZeros() {
        return values.length;
    }

    /** nonZeros / (rows * columns). */
    public double density() {
        return values.length / ((double) rows() * columns);
    }

    /** The bytes of the three arrays: what holding X costs. */
    public long bytes() {
        return 8L * rowOffsets.length + 4L * columnIndices.length + 4L * values.length;
    }

    /** Row i's non-zeros start at this position ({@code rows + 1} offsets); shared, not copied. */
    public long[] rowOffsets() {
        return rowOffsets;
    }

    /** The 0-based column of each non-zero; shared, not copied. */
    public int[] columnIndices() {
        return columnIndices;
    }

    /** The non-zero values; shared, not copied. */
    public float[] values() {
        return values;
    }
}
