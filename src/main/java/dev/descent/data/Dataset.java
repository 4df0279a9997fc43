package dev.descent.data;

import dev.descent.InvalidInputException;

/**
 * Training or prediction data: float32 features X of shape (rows, columns), either dense row-major
 * ({@link #features()}) or sparse CSR ({@link #sparseFeatures()}), labels y and optional sample
 * weights s. Checked on construction: every value finite, shapes consistent, weights non-negative
 * and not all zero. The arrays are shared, not copied; do not change them while a fit uses them.
 *
 * <p>Dense X read from double values (text, float64 .npy, {@link #of(double[][], double[])}) may be held as
 * x - shift, a per-column origin subtracted in double so that a column far from zero relative to its spread
 * keeps float32's precision ({@link FeatureShift}; {@link #featureShift()}). Fits, predictions and models are
 * in the original units whatever the shift.
 *
 * <p>Dense X may also be held in float64 ({@link #rowMajor(double[], int, int, float[])}, {@code --precision
 * double}) for data that needs more than float32 keeps: the cpu and reference backends take it as it is, the
 * others round it to float32 ({@link #toFloat32()}).
 */
public final class Dataset {
    private final float[] features;
    /** Dense X in float64, or null. */
    private final double[] float64;
    private final CsrMatrix sparse;
    private final float[] labels;
    private final float[] sampleWeights;
    private final int rows;
    private final int columns;
    /** Per column, what was subtracted from x before rounding to float32; null: nothing. */
    private final double[] shift;

    private Dataset(float[] features, CsrMatrix sparse, int rows, int columns, float[] labels, float[] sampleWeights) {
        this(features, null, sparse, rows, columns, labels, sampleWeights, null);
    }

    private Dataset(float[] features, double[] float64, CsrMatrix sparse, int rows, int columns, float[] labels,
                    float[] sampleWeights, double[] shift) {
        this.shift = shift;
        this.features = features;
        this.float64 = float64;
        this.sparse = sparse;
        this.rows = rows;
        this.columns = columns;
        this.labels = labels;
        this.sampleWeights = sampleWeights;
    }

    /**
     * Wraps row-major features of shape (rows, columns) and labels (one per row, or null for data
     * to predict on).
     */
    public static Dataset rowMajor(float[] features, int rows, int columns, float[] labels) {
        requireRowMajor(features == null ? -1 : features.length, rows, columns);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                float value = features[i * columns + j];
                if (!Float.isFinite(value)) {
                    throw InvalidInputException.atCell(i, j, "feature is " + value + "; every feature must be finite");
                }
            }
        }
        checkLabels(labels, rows);
        return new Dataset(features, null, rows, columns, labels, null);
    }

    /**
     * Wraps row-major features held as x - shift ({@link FeatureShift}): {@code shift} one per column, or
     * null for features held as they are.
     */
    public static Dataset rowMajor(float[] features, int rows, int columns, float[] labels, double[] shift) {
        Dataset data = rowMajor(features, rows, columns, labels);
        if (shift == null) {
            return data;
        }
        if (shift.length != columns) {
            throw new InvalidInputException("the shift has " + shift.length + " values for " + columns + " columns");
        }
        for (double value : shift) {
            if (!Double.isFinite(value)) {
                throw new InvalidInputException("the shift has a value of " + value + "; it must be finite");
            }
        }
        return new Dataset(features, null, null, rows, columns, labels, null, shift.clone());
    }

    /**
     * Wraps row-major float64 features of shape (rows, columns), held in float64 ({@link #float64Features()}),
     * and labels (one per row, or null for data to predict on).
     */
    public static Dataset rowMajor(double[] features, int rows, int columns, float[] labels) {
        requireRowMajor(features == null ? -1 : features.length, rows, columns);
        for (int i = 0; i < features.length; i++) {
            if (!Double.isFinite(features[i])) {
                throw InvalidInputException.atCell(i / columns, i % columns, "feature is " + features[i]
                        + "; every feature must be finite");
            }
        }
        checkLabels(labels, rows);
        return new Dataset(null, features, null, rows, columns, labels, null, null);
    }

    /** Wraps sparse features (checked by {@link CsrMatrix#of}) and labels (one per row, or null for data to predict on). */
    public static Dataset csr(CsrMatrix features, float[] labels) {
        if (features == null) {
            throw new InvalidInputException("features must not be null");
        }
        checkLabels(labels, features.rows());
        return new Dataset(null, features, features.rows(), features.columns(), labels, null);
    }

    /**
     * Copies X (rows of equal length) and y into float32. y may be null for data to predict on. A column far
     * from zero relative to its spread in the first rows is held as x - shift ({@link FeatureShift}).
     */
    public static Dataset of(double[][] x, double[] y) {
        int[] shape = shapeOf(x == null ? null : x.length, x == null ? 0 : (x.length == 0 ? 0 : rowLength(x[0])));
        int sampleRows = Math.min(shape[0], FeatureShift.sampleRows(shape[1]));
        double[] sample = new double[sampleRows * shape[1]];
        for (int i = 0; i < shape[0]; i++) {
            double[] row = x[i];
            if (row == null || row.length != shape[1]) {
                throw new InvalidInputException("row index " + i + " has " + (row == null ? 0 : row.length)
                        + " columns, but row 0 has " + shape[1] + "; X must be rectangular");
            }
            if (i < sampleRows) {
                System.arraycopy(row, 0, sample, i * shape[1], shape[1]);
            }
        }
        double[] shift = FeatureShift.choose(sample, sampleRows, shape[1]);
        float[] features = new float[shape[0] * shape[1]];
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                features[i * shape[1] + j] = toFloat(x[i][j], shift, i, j);
            }
        }
        return rowMajor(features, shape[0], shape[1], labelsToFloat(y), shift);
    }

    /** Like {@link #of(double[][], double[])} for float rows. */
    public static Dataset of(float[][] x, double[] y) {
        int[] shape = shapeOf(x == null ? null : x.length, x == null ? 0 : (x.length == 0 ? 0 : rowLength(x[0])));
        float[] features = new float[shape[0] * shape[1]];
        for (int i = 0; i < shape[0]; i++) {
            float[] row = x[i];
            if (row == null || row.length != shape[1]) {
                throw new InvalidInputException("row index " + i + " has " + (row == null ? 0 : row.length)
                        + " columns, but row 0 has " + shape[1] + "; X must be rectangular");
            }
            System.arraycopy(row, 0, features, i * shape[1], shape[1]);
        }
        return rowMajor(features, shape[0], shape[1], labelsToFloat(y));
    }

    /**
     * The same data with sample weights s_i (one per row, finite, non-negative, not all zero).
     * The objective weighs row i by s_i / sum(s).
     */
    public Dataset withSampleWeights(float[] weights) {
        if (weights == null) {
            return new Dataset(features, float64, sparse, rows, columns, labels, null, shift);
        }
        if (weights.length != rows) {
            throw new InvalidInputException("there are " + weights.length + " sample weights for " + rows
                    + " rows; give one weight per row");
        }
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            float w = weights[i];
            if (!Float.isFinite(w) || w < 0) {
                throw new InvalidInputException("row index " + i + ", sample weight: " + w
                        + "; sample weights must be finite and non-negative");
            }
            sum += w;
        }
        if (sum == 0) {
            throw new InvalidInputException("all sample weights are zero; at least one row must count");
        }
        return new Dataset(features, float64, sparse, rows, columns, labels, weights, shift);
    }

    /** The same features and weights with other labels (used to encode class labels as indices). */
    public Dataset withLabels(float[] newLabels) {
        checkLabels(newLabels, rows);
        return new Dataset(features, float64, sparse, rows, columns, newLabels, sampleWeights, shift);
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** Whether X is held sparse, in CSR ({@link #sparseFeatures()}), rather than dense ({@link #features()}). */
    public boolean isSparse() {
        return sparse != null;
    }

    /**
     * X as (rows, columns) row-major float32; shared, not copied. Not for sparse or float64 data: see
     * {@link #isSparse()}, {@link #isFloat64()}.
     */
    public float[] features() {
        if (sparse != null) {
            throw new IllegalStateException("this data set is sparse (CSR): read it with sparseFeatures()");
        }
        if (float64 != null) {
            throw new IllegalStateException("this data set holds float64 features: read them with float64Features(), "
                    + "or round them with toFloat32()");
        }
        return features;
    }

    /** Whether X is held dense in float64 ({@link #float64Features()}) rather than float32. */
    public boolean isFloat64() {
        return float64 != null;
    }

    /** X as (rows, columns) row-major float64; shared, not copied. Only for float64 data: see {@link #isFloat64()}. */
    public double[] float64Features() {
        if (float64 == null) {
            throw new IllegalStateException("this data set holds float32 features: read them with "
                    + (sparse != null ? "sparseFeatures()" : "features()"));
        }
        return float64;
    }

    /**
     * Row {@code row} of dense X as held (x - shift where shifted), float32 or float64, into {@code out} in double:
     * for passes that read every value once and need not know the storage.
     */
    public void heldRow(int row, double[] out) {
        if (sparse != null) {
            throw new IllegalStateException("this data set is sparse (CSR): read it with sparseFeatures()");
        }
        int from = row * columns;
        for (int j = 0; j < columns; j++) {
            out[j] = float64 != null ? float64[from + j] : features[from + j];
        }
    }

    /**
     * The same data in float32: float64 X rounded once, held as x - shift where a column needs it
     * ({@link FeatureShift#choose}, on the first rows); this data set itself when it is float32 already.
     */
    public Dataset toFloat32() {
        if (float64 == null) {
            return this;
        }
        return convertedTo(FeatureShift.choose(float64, rows, columns));
    }

    /** X in CSR; shared, not copied. Only for sparse data: see {@link #isSparse()}. */
    public CsrMatrix sparseFeatures() {
        if (sparse == null) {
            throw new IllegalStateException("this data set is dense: read it with features()");
        }
        return sparse;
    }

    /**
     * The rows at {@code indices} (in that order; each within 0..rows-1), with their labels and sample
     * weights, copied: a held-out part of a data set, for instance.
     */
    public Dataset select(int[] indices) {
        float[] y = labels == null ? null : new float[indices.length];
        float[] s = sampleWeights == null ? null : new float[indices.length];
        for (int r = 0; r < indices.length; r++) {
            int i = indices[r];
            if (i < 0 || i >= rows) {
                throw new InvalidInputException("row " + i + " is not among the " + rows + " rows");
            }
            if (y != null) {
                y[r] = labels[i];
            }
            if (s != null) {
                s[r] = sampleWeights[i];
            }
        }
        if (float64 != null) {
            double[] x = new double[Math.multiplyExact(indices.length, columns)];
            for (int r = 0; r < indices.length; r++) {
                System.arraycopy(float64, indices[r] * columns, x, r * columns, columns);
            }
            return new Dataset(null, x, null, indices.length, columns, y, s, null);
        }
        if (sparse == null) {
            float[] x = new float[Math.multiplyExact(indices.length, columns)];
            for (int r = 0; r < indices.length; r++) {
                System.arraycopy(features, indices[r] * columns, x, r * columns, columns);
            }
            return new Dataset(x, null, null, indices.length, columns, y, s, shift);
        }
        long[] offsets = sparse.rowOffsets();
        long[] newOffsets = new long[indices.length + 1];
        for (int r = 0; r < indices.length; r++) {
            newOffsets[r + 1] = newOffsets[r] + offsets[indices[r] + 1] - offsets[indices[r]];
        }
        int[] columnIndices = new int[Math.toIntExact(newOffsets[indices.length])];
        float[] values = new float[columnIndices.length];
        for (int r = 0; r < indices.length; r++) {
            int from = (int) offsets[indices[r]];
            int length = (int) (offsets[indices[r] + 1] - from);
            System.arraycopy(sparse.columnIndices(), from, columnIndices, (int) newOffsets[r], length);
            System.arraycopy(sparse.values(), from, values, (int) newOffsets[r], length);
        }
        return new Dataset(null, CsrMatrix.of(newOffsets, columnIndices, values, columns), indices.length, columns, y, s);
    }

    /**
     * What was subtracted from each column before X was stored ({@link FeatureShift}): X holds x - shift.
     * Null when X holds the values as they are (always for sparse data). A copy.
     */
    public double[] featureShift() {
        return shift == null ? null : shift.clone();
    }

    /** Whether X is held as x - {@link #featureShift()}. */
    public boolean isShifted() {
        return shift != null;
    }

    /**
     * The same data with X holding the values themselves, x rounded to float32 (copied; this data set itself
     * when it has no shift, float64 data included): for a fit without an intercept, which cannot absorb a shift.
     */
    public Dataset unshifted() {
        return float64 != null ? this : shiftedTo(null);
    }

    /**
     * The same rows in float32 held as x - {@code target} (null: as they are), copied and re-rounded from this
     * data's values in double (float64, or float32 x - shift); this data set itself when it is float32 with the
     * same shift. Held-out rows are moved to the training data's shift so that a model being fitted scores them
     * as it scores the training rows.
     */
    public Dataset shiftedTo(double[] target) {
        if (float64 == null && java.util.Arrays.equals(shift, target)) {
            return this;
        }
        return convertedTo(target);
    }

    /** X copied to float32 as x - {@code target} (null: as it is), each value taken in double first. */
    private Dataset convertedTo(double[] target) {
        if (sparse != null) {
            throw new IllegalStateException("sparse data is never shifted");
        }
        if (target != null && target.length != columns) {
            throw new InvalidInputException("the shift has " + target.length + " values for " + columns + " columns");
        }
        float[] x = new float[Math.multiplyExact(rows, columns)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double value = float64 != null ? float64[i * columns + j]
                        : features[i * columns + j] + (shift == null ? 0 : shift[j]);
                x[i * columns + j] = toFloat(value, target, i, j);
            }
        }
        return new Dataset(x, null, null, rows, columns, labels, sampleWeights, target == null ? null : target.clone());
    }

    /** The same arrays, read as values held as they are: for a transformation that has just removed the shift in place. */
    Dataset withoutShiftRecord() {
        return shift == null ? this : new Dataset(features, float64, sparse, rows, columns, labels, sampleWeights, null);
    }

    /** The same data with X held dense (this data set itself when it already is). */
    public Dataset dense() {
        return sparse == null ? this : new Dataset(sparse.toDense(), null, rows, columns, labels, sampleWeights);
    }

    /** The bytes holding X: 4 per value dense (8 in float64), the CSR arrays' bytes sparse. */
    public long featureBytes() {
        return sparse != null ? sparse.bytes() : float64 != null ? 8L * float64.length : 4L * features.length;
    }

    /** y, one per row, or null for data without labels; shared, not copied. */
    public float[] labels() {
        return labels;
    }

    /** s, one per row, or null when every row weighs 1; shared, not copied. */
    public float[] sampleWeights() {
        return sampleWeights;
    }

    /** S = sum of the sample weights (rows when there are none). */
    public double sampleWeightSum() {
        if (sampleWeights == null) {
            return rows;
        }
        double sum = 0;
        for (float w : sampleWeights) {
            sum += w;
        }
        return sum;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    private static void checkLabels(float[] labels, int rows) {
        if (labels == null) {
            return;
        }
        if (labels.length != rows) {
            throw new InvalidInputException("X has " + rows + " rows but y has " + labels.length
                    + " labels; they must have the same length");
        }
        for (int i = 0; i < rows; i++) {
            if (!Float.isFinite(labels[i])) {
                throw InvalidInputException.atCell(i, -1, "label is " + labels[i] + "; labels must be finite");
            }
        }
    }

    /** Refuses features that are missing (length -1) or do not hold rows x columns values. */
    private static void requireRowMajor(int length, int rows, int columns) {
        if (length < 0) {
            throw new InvalidInputException("features must not be null");
        }
        requireShape(rows, columns);
        if ((long) rows * columns != length) {
            throw new InvalidInputException("features hold " + length + " values, but " + rows + " rows x "
                    + columns + " columns need " + (long) rows * columns);
        }
    }

    private static void requireShape(int rows, int columns) {
        if (rows <= 0) {
            throw new InvalidInputException("the data is empty: it has no rows");
        }
        if (columns <= 0) {
            throw new InvalidInputException("the data has zero features: X needs at least one column");
        }
    }

    private static int[] shapeOf(Integer rows, int columns) {
        if (rows == null) {
            throw new InvalidInputException("X must not be null");
        }
        requireShape(rows, columns);
        if ((long) rows * columns > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(rows + " rows x " + columns + " columns exceed the " + (Integer.MAX_VALUE - 8)
                    + " values one Java array holds");
        }
        return new int[] {rows, columns};
    }

    private static int rowLength(Object row) {
        if (row instanceof double[] d) {
            return d.length;
        }
        if (row instanceof float[] f) {
            return f.length;
        }
        throw new InvalidInputException("row index 0 is null");
    }

    private static float toFloat(double value, double[] shift, int row, int column) {
        float f = FeatureShift.stored(value, shift, column);
        if (!Double.isFinite(value)) {
            throw InvalidInputException.atCell(row, column, "feature is " + value + "; every feature must be finite");
        }
        if (!Float.isFinite(f)) {
            throw InvalidInputException.atCell(row, column, "feature " + value
                    + " is too large for float32 (largest " + Float.MAX_VALUE + "); rescale the data or standardize it");
        }
        return f;
    }

    private static float[] labelsToFloat(double[] y) {
        if (y == null) {
            return null;
        }
        float[] labels = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw InvalidInputException.atCell(i, -1, "label is " + y[i] + "; labels must be finite");
            }
            labels[i] = (float) y[i];
            if (!Float.isFinite(labels[i])) {
                throw InvalidInputException.atCell(i, -1, "label " + y[i] + " is too large for float32; rescale it");
            }
        }
        return labels;
    }
}
