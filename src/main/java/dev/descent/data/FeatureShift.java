package dev.descent.data;

import dev.descent.LinearModel;

/**
 * A per-column origin subtracted in double before features are stored in float32: X is held as x - shift.
 *
 * <p>Float32 keeps 24 bits of a value, so a column far from zero relative to its spread (Unix timestamps:
 * 1.7e9 +- 1e7) keeps only a few distinct values: its rounding error, |x| 2^-24, is then a visible part of
 * its spread. Moved near zero before rounding, the column keeps float32's precision relative to its
 * spread. With an intercept the move is exact for the model: w . (x - shift) + b = w . x + (b - w . shift),
 * and the penalties do not see b, so the fit's optimum is the same model; without one the data is stored
 * unshifted ({@link Dataset#unshifted()}).
 *
 * <p>The readers choose the shift from the first rows ({@link #choose}) and keep it with the data set
 * ({@link Dataset#featureShift()}); predictions and fitted models are in the original units.
 */
public final class FeatureShift {
    /**
     * A column is shifted when |mean| exceeds this many standard deviations of its first rows: float32's
     * rounding would then be more than 2^-18 of the column's spread.
     */
    static final double SPREADS_FROM_ZERO = 64;

    /** The most rows the shift is chosen from: enough for a mean and a spread, few enough to cost nothing. */
    static final int SAMPLE_ROWS = 1024;
    /** The most values sampled (8 MiB of doubles), so that wide rows take fewer rows; never fewer than 16 rows. */
    static final int SAMPLE_VALUES = 1 << 20;

    private FeatureShift() {
    }

    /** Rows to choose the shift of {@code columns} columns from: {@link #SAMPLE_ROWS}, fewer for wide rows. */
    static int sampleRows(int columns) {
        return Math.max(16, Math.min(SAMPLE_ROWS, SAMPLE_VALUES / Math.max(1, columns)));
    }

    /**
     * The shift for each column from the first {@link #sampleRows} of {@code rows} rows (row-major, {@code columns}
     * wide) read in double, or null when no column needs one. A column needs one when its mean lies more than {@link #SPREADS_FROM_ZERO}
     * standard deviations from zero; the shift is then the mean rounded to a multiple of the largest power of
     * two not above the deviation (so that x - shift is exact in double for integers and short decimals, and
     * |x - shift| stays within about a spread), or the value itself for a column constant in these rows.
     */
    public static double[] choose(double[] sample, int availableRows, int columns) {
        int rows = Math.min(availableRows, sampleRows(columns));
        if (rows == 0) {
            return null;
        }
        double[] shift = new double[columns];
        boolean any = false;
        for (int j = 0; j < columns; j++) {
            double mean = 0;
            for (int i = 0; i < rows; i++) {
                mean += sample[i * columns + j];
            }
            mean /= rows;
            double square = 0;
            for (int i = 0; i < rows; i++) {
                double centred = sample[i * columns + j] - mean;
                square += centred * centred;
            }
            double deviation = Math.sqrt(square / rows);
            if (mean != 0 && Math.abs(mean) > SPREADS_FROM_ZERO * deviation) {
                if (deviation == 0) {
                    shift[j] = sample[j];
                } else {
                    double step = Math.scalb(1.0, Math.getExponent(deviation));
                    shift[j] = step * Math.rint(mean / step);
                }
                any |= shift[j] != 0;
            }
        }
        return any ? shift : null;
    }

    /** x - shift, rounded to float32 once; {@code shift} null for none. */
    static float stored(double value, double[] shift, int column) {
        return (float) (shift == null ? value : value - shift[column]);
    }

    /**
     * The model on original features that gives {@code stored}'s outputs on features held as x - shift:
     * b_c - w_c . shift, in double. Null shift: the model itself.
     */
    public static LinearModel toOriginal(LinearModel stored, double[] shift) {
        return moved(stored, shift, -1);
    }

    /** The inverse of {@link #toOriginal}: the model that gives {@code original}'s outputs on features x - shift. */
    public static LinearModel toStored(LinearModel original, double[] shift) {
        return moved(original, shift, 1);
    }

    private static LinearModel moved(LinearModel model, double[] shift, int sign) {
        if (shift == null) {
            return model;
        }
        double[][] weights = model.weights();
        double[] intercepts = model.intercepts().clone();
        for (int c = 0; c < weights.length; c++) {
            intercepts[c] += sign * dot(weights[c], shift);
        }
        return new LinearModel(model.kind(), model.classes(), weights, intercepts);
    }

    /** w . shift in double. */
    public static double dot(double[] weights, double[] shift) {
        double sum = 0;
        for (int j = 0; j < shift.length; j++) {
            sum += weights[j] * shift[j];
        }
        return sum;
    }
}
