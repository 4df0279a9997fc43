package dev.descent.spark;

import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * One partition's rows in descent's float32 layout, made once per fit and cached by Spark: dense
 * row-major X, or CSR when every row of the partition is a sparse vector; labels; sample weights (null
 * when every row weighs 1); and the partition's {@link Summary}. Rows are checked as they are read; the
 * first bad one is recorded in the summary (not thrown), so the driver can name it before any iteration.
 */
final class PartitionBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The columns of the rows a block is made from, in this order: features (a Vector), label, weight (doubles). */
    record Columns(String features, String label, String weight, LabelRule labels, int classes) implements Serializable {
    }

    /** What a label must be. */
    enum LabelRule {
        /** A class index 0, 1, 2, ... (below the label column's number of classes, where its metadata gives one). */
        CLASS_INDEX,
        /** Any finite value. */
        FINITE
    }

    final int partition;
    final int rows;
    final int columns;
    /** (rows, columns) row-major, or null when the CSR arrays hold X. */
    private final float[] dense;
    /** CSR (arrays, not a CsrMatrix, so that Spark can spill the block to disk): rows + 1 offsets. */
    private final long[] offsets;
    private final int[] indices;
    private final float[] values;
    private final float[] labels;
    private final float[] weights;
    final Summary summary;

    private PartitionBlock(int partition, int rows, int columns, float[] dense, long[] offsets, int[] indices,
                           float[] values, float[] labels, float[] weights, Summary summary) {
        this.partition = partition;
        this.rows = rows;
        this.columns = columns;
        this.dense = dense;
        this.offsets = offsets;
        this.indices = indices;
        this.values = values;
        this.labels = labels;
        this.weights = weights;
        this.summary = summary;
    }

    /** The rows for a backend: null when the partition has no row of positive weight (it adds nothing). */
    Dataset dataset() {
        if (rows == 0 || summary.weightSum == 0) {
            return null;
        }
        Dataset data = dense == null
                ? Dataset.csr(CsrMatrix.of(offsets, indices, values, columns), labels)
                : Dataset.rowMajor(dense, rows, columns, labels);
        return data.withSampleWeights(weights);
    }

    /**
     * Reads a partition's rows (features vector, label as double, weight as double: the order of
     * {@link Columns}). Stops reading at the first bad row and records it.
     */
    static PartitionBlock read(int partition, Iterator<Row> source, Columns names) {
        Builder builder = new Builder(partition, names);
        while (source.hasNext() && builder.problem == null) {
            builder.add(source.next());
        }
        return builder.build();
    }

    /**
     * What the driver needs before the first iteration, added up over partitions: the row count, the
     * weight sums, per feature sum_i s_i x_ij and sum_i s_i x_ij^2 (the standard deviations and descent's
     * preconditioning come from them), the largest label, the vectors' size, and the first bad row.
     */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        double weightSum;
        double weightSquareSum;
        /** -1 until a row is seen. */
        int size = -1;
        double[] weightedSums = new double[0];
        double[] weightedSquares = new double[0];
        double maxLabel = Double.NEGATIVE_INFINITY;
        /** sum_i s_i y_i and sum_i s_i y_i^2 (the label's deviation, by which MLlib scales a linear model's penalty). */
        double labelSum;
        double labelSquareSum;
        /** The first problem found, or null. */
        String problem;

        /** Adds another partition's summary (a later partition's) into this one. */
        Summary add(Summary other) {
            if (problem != null) {
                return this;
            }
            if (other.problem != null) {
                problem = other.problem;
                return this;
            }
            if (other.size >= 0) {
                if (size < 0) {
                    size = other.size;
                    weightedSums = new double[size];
                    weightedSquares = new double[size];
                } else if (size != other.size) {
                    problem = String.format(Locale.ROOT,
                            "feature vectors differ in size: %d in earlier partitions, %d in a later one", size, other.size);
                    return this;
                }
                for (int j = 0; j < size; j++) {
                    weightedSums[j] += other.weightedSums[j];
                    weightedSquares[j] += other.weightedSquares[j];
                }
            }
            rows += other.rows;
            weightSum += other.weightSum;
            weightSquareSum += other.weightSquareSum;
            maxLabel = Math.max(maxLabel, other.maxLabel);
            labelSum += other.labelSum;
            labelSquareSum += other.labelSquareSum;
            return this;
        }
    }

    /** Rows appended to growing arrays: CSR while every row is sparse, dense from the first dense row on. */
    private static final class Builder {
        private final int partition;
        private final Columns names;
        private final Summary summary = new Summary();
        private int rows;
        private float[] dense = new float[0];
        private long[] offsets = {0};
        private int[] indices = new int[16];
        private float[] values = new float[16];
        private long nonZeros;
        private boolean sparse = true;
        private float[] labels = new float[16];
        private float[] weights = new float[16];
        private boolean weighted;
        String problem;

        Builder(int partition, Columns names) {
            this.partition = partition;
            this.names = names;
        }

        void add(Row row) {
            Object features = row.get(0);
            if (features == null) {
                fail(names.features(), "is null");
                return;
            }
            Vector vector = (Vector) features;
            if (summary.size < 0) {
                summary.size = vector.size();
                summary.weightedSums = new double[vector.size()];
                summary.weightedSquares = new double[vector.size()];
            } else if (vector.size() != summary.size) {
                fail(names.features(), "has a vector of size " + vector.size() + " where earlier rows have " + summary.size);
                return;
            }
            double label = row.isNullAt(1) ? Double.NaN : row.getDouble(1);
            if (!labelFits(label)) {
                return;
            }
            double weight = 1;
            if (names.weight() != null) {
                weight = row.isNullAt(2) ? Double.NaN : row.getDouble(2);
                if (!(weight >= 0) || Double.isInfinite(weight)) {
                    fail(names.weight(), "is " + weight + "; sample weights must be finite and >= 0");
                    return;
                }
            }
            if (sparse && vector instanceof DenseVector) {
                densify();
            }
            if (!append(vector, weight)) {
                return;
            }
            labels = grow(labels, rows + 1);
            weights = grow(weights, rows + 1);
            labels[rows] = (float) label;
            weights[rows] = (float) weight;
            weighted |= weight != 1;
            summary.weightSum += weight;
            summary.weightSquareSum += weight * weight;
            summary.maxLabel = Math.max(summary.maxLabel, label);
            summary.labelSum += weight * label;
            summary.labelSquareSum += weight * label * label;
            rows++;
        }

        private boolean labelFits(double label) {
            if (!Double.isFinite(label)) {
                fail(names.label(), "is " + (Double.isNaN(label) ? "null or NaN" : label) + "; labels must be finite");
                return false;
            }
            if (names.labels() == LabelRule.CLASS_INDEX) {
                if (label < 0 || label != Math.rint(label)) {
                    fail(names.label(), "is " + label + ", not a class index (0, 1, 2, ...)");
                    return false;
                }
                if (names.classes() > 0 && label >= names.classes()) {
                    fail(names.label(), "is " + label + ", outside the column's " + names.classes() + " classes");
                    return false;
                }
            }
            return true;
        }

        /** Appends the row's features; false (and the problem recorded) if one is not finite in float32. */
        private boolean append(Vector vector, double weight) {
            int size = summary.size;
            if (sparse) {
                SparseVector row = (SparseVector) vector;
                int[] at = row.indices();
                double[] of = row.values();
                indices = grow(indices, nonZeros + at.length);
                values = grow(values, nonZeros + at.length);
                int previous = -1;
                for (int p = 0; p < at.length; p++) {
                    if (at[p] <= previous) {
                        fail(names.features(), "has sparse indices out of order or repeated (" + at[p] + " after " + previous + ")");
                        return false;
                    }
                    previous = at[p];
                    if (!finite(of[p], at[p])) {
                        return false;
                    }
                    indices[(int) nonZeros + p] = at[p];
                    values[(int) nonZeros + p] = (float) of[p];
                    moments(at[p], of[p], weight);
                }
                nonZeros += at.length;
                offsets = grow(offsets, rows + 2);
                offsets[rows + 1] = nonZeros;
            } else {
                dense = grow(dense, (long) (rows + 1) * size);
                int base = rows * size;
                double[] row = vector instanceof DenseVector given ? given.values() : vector.toArray();
                for (int j = 0; j < size; j++) {
                    double value = row[j];
                    if (!finite(value, j)) {
                        return false;
                    }
                    dense[base + j] = (float) value;
                    moments(j, value, weight);
                }
            }
            return true;
        }

        private boolean finite(double value, int index) {
            if (!Float.isFinite((float) value)) {
                fail(names.features(), "has " + value + " at index " + index + "; features must be finite in float32");
                return false;
            }
            return true;
        }

        private void moments(int j, double value, double weight) {
            summary.weightedSums[j] += weight * value;
            summary.weightedSquares[j] += weight * value * value;
        }

        /** The sparse rows so far, made dense: this partition has a dense row. */
        private void densify() {
            int size = summary.size;
            dense = new float[Math.multiplyExact(Math.max(rows, 1), size)];
            for (int i = 0; i < rows; i++) {
                for (long p = offsets[i]; p < offsets[i + 1]; p++) {
                    dense[i * size + indices[(int) p]] = values[(int) p];
                }
            }
            sparse = false;
            indices = null;
            values = null;
            offsets = null;
        }

        private void fail(String column, String what) {
            problem = String.format(Locale.ROOT, "column '%s' %s (row %d of partition %d)", column, what, rows, partition);
        }

        PartitionBlock build() {
            summary.rows = rows;
            summary.problem = problem;
            int size = Math.max(summary.size, 0);
            if (problem != null || rows == 0) {
                return new PartitionBlock(partition, 0, size, null, null, null, null, null, null, summary);
            }
            float[] y = Arrays.copyOf(labels, rows);
            float[] s = weighted ? Arrays.copyOf(weights, rows) : null;
            if (sparse) {
                return new PartitionBlock(partition, rows, size, null, Arrays.copyOf(offsets, rows + 1),
                        Arrays.copyOf(indices, (int) nonZeros), Arrays.copyOf(values, (int) nonZeros), y, s, summary);
            }
            return new PartitionBlock(partition, rows, size, Arrays.copyOf(dense, rows * size), null, null, null, y, s,
                    summary);
        }

        private static float[] grow(float[] array, long needed) {
            return needed <= array.length ? array : Arrays.copyOf(array, capacity(array.length, needed));
        }

        private static int[] grow(int[] array, long needed) {
            return needed <= array.length ? array : Arrays.copyOf(array, capacity(array.length, needed));
        }

        private static long[] grow(long[] array, long needed) {
            return needed <= array.length ? array : Arrays.copyOf(array, capacity(array.length, needed));
        }

        private static int capacity(int length, long needed) {
            long grown = Math.max(needed, Math.max(16, (long) length * 3 / 2));
            if (grown > Integer.MAX_VALUE - 8) {
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("a partition holds more than 2^31 values; repartition the data "
                            + "into more partitions");
                }
                grown = Integer.MAX_VALUE - 8;
            }
            return (int) grown;
        }
    }
}
