package dev.descent.backend.gpu;

import dev.descent.InvalidInputException;
import dev.descent.backend.Backend;
import dev.descent.backend.Instrumentation;
import dev.descent.backend.RowPermutation;
import dev.descent.data.CsrMatrix;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Problem;
import java.util.Optional;

/**
 * What the GPU backends share, whatever their driver: the problem's shapes, the buffers every step
 * uses (X, y, sample weights, the change of coordinates, parameters, optimizer state, partials, sums
 * and statistics), the memory they take, and the host side of the contract: data-term sums and the
 * Gram product from the fused pass's sums, the step's statistics, parameters in and out, checkpoints,
 * and the lifecycle checks. A subclass supplies the driver's buffer operations and the kernel launches.
 *
 * @param <B> the driver's handle of a device buffer of floats
 */
public abstract class DeviceBackend<B> implements Backend, Instrumentation {
    protected Problem problem;
    protected DeviceProblem deviceProblem;
    protected int rows;
    protected int features;
    protected int outputs;
    /** k d + k: the parameters, and the width of one partial of the fused pass. */
    protected int width;
    /** The most partials a fused pass writes (its blocks or work-groups); set by {@link #allocate} before the buffers. */
    protected int maxGroups;
    protected double weightSum;
    protected boolean hasWeights;
    /** The data's sample weights on the host (not a copy), for a batch's weight total; null without weights. */
    protected float[] hostSampleWeights;
    /** Steps since the optimizer state was cleared (Adam's bias corrections). */
    protected long steps;

    /** X (n, d) row-major (one unused float for sparse data, which a subclass holds its own way); y (n); sample weights (n, or 1 unused float). */
    protected B x;
    protected B y;
    protected B sampleWeights;
    /** The change of coordinates: mean_j and 1 / scale_j (DeviceProblem). */
    protected B mean;
    protected B inverseScale;
    /** d zeros and d + 1 ones: the raw coordinates of the Gram pass. */
    protected B zeros;
    protected B ones;
    /** l2 / scale_j^2 and l1 / scale_j. */
    protected B l2Factor;
    protected B l1Factor;
    /** Parameters in standardized coordinates (width), the checkpoint, the optimizer's first and second moments. */
    protected B parameters;
    protected B saved;
    protected B first;
    protected B second;
    /** The fused pass's partials (maxGroups x width) and partial losses, and their reduction (width + 1). */
    protected B partial;
    protected B partialLoss;
    protected B sums;
    /** The update's statistics: objective, gradient-mapping norm, the objective sum of a mini-batch epoch. */
    protected B stats;
    /** The Gram pass's vector (d + 1). */
    protected B gramVector;
    /** Sparse data's buffers, or null for dense data. */
    protected SparseBuffers sparse;

    /** The host copy of {@link #stats}, valid while {@link #statsFresh}; a step marks it stale. */
    protected final float[] statsHost = new float[3];
    protected boolean statsFresh;
    private boolean closed;

    /** A device buffer holding a copy of {@code values}. */
    protected abstract B input(float[] values);

    /** A device buffer holding a copy of {@code values} (the sparse offsets and indices). */
    protected abstract B input(int[] values);

    /** A device buffer of {@code floats} zeros (at least one). */
    protected abstract B scratch(long floats);

    /** Copies {@code values} into the start of {@code buffer}, after the work queued before. */
    protected abstract void write(B buffer, float[] values);

    /** Reads the start of {@code buffer} into {@code values}; call {@link #flush()} first where steps may be queued. */
    protected abstract void read(B buffer, float[] values);

    /** Copies {@code floats} floats from one buffer to another on the device. */
    protected abstract void copy(B from, B to, int floats);

    /** Sets the first {@code floats} floats of {@code buffer} to zero. */
    protected abstract void clear(B buffer, int floats);

    /** Runs whatever steps are queued and waits for the device to finish them. */
    protected abstract void flush();

    /**
     * Allocates the device side of an upload: chooses kernels, sets {@link #maxGroups}, refuses data that
     * does not fit (naming the sizes, before allocating), then calls {@link #allocateCommon} and allocates
     * what else the backend needs.
     */
    protected abstract void allocate(Dataset data);

    /**
     * One fused pass of the loss at the current parameters over the batch (see
     * {@link dev.descent.backend.DataPasses#dataTermSums}): its width + 1 sums in standardized coordinates.
     */
    protected abstract float[] fusedSums(boolean shuffled, long key, int start, int size);

    /** One fused Gram pass of {@code vector} (d + 1 floats) over all rows: its d + 1 sums, then one unused. */
    protected abstract float[] gramSums(float[] vector);

    /** The device memory a problem takes besides per-backend extras: dense X, y, weights and the step's buffers. */
    public static long stepBytes(int rows, int features, int width, int maxGroups) {
        return stepBytes(rows, features, width, maxGroups, -1);
    }

    /** As {@link #stepBytes(int, int, int, int)} with X as an upload holds it ({@link #xBytes}; {@code nonZeros} -1: dense). */
    public static long stepBytes(int rows, int features, int width, int maxGroups, long nonZeros) {
        return xBytes(rows, features, width / (features + 1), nonZeros)
                + 4L * (2L * rows + 6L * features + 6L * width + (long) maxGroups * (width + 1) + 8);
    }

    @Override
    public final void upload(Dataset data, Problem problemToSolve) {
        checkOpen();
        Backend.requireMatching(data, problemToSolve);
        if (data.isFloat64()) {
            throw new InvalidInputException("the " + name() + " backend takes float32 rows: round float64 data with "
                    + "Dataset.toFloat32() (a fit does), or use the cpu or reference backend");
        }
        this.problem = problemToSolve;
        this.rows = data.rows();
        this.features = data.columns();
        this.outputs = problemToSolve.outputs();
        this.width = problemToSolve.parameterCount();
        this.weightSum = data.sampleWeightSum();
        this.hasWeights = data.sampleWeights() != null;
        this.hostSampleWeights = data.sampleWeights();
        this.deviceProblem = DeviceProblem.of(problemToSolve);
        allocate(data);
    }

    /** The buffers every step uses, once {@link #maxGroups} is known. */
    protected final void allocateCommon(Dataset data) {
        x = data.isSparse() ? scratch(1) : input(data.features());
        y = input(data.labels());
        sampleWeights = input(hasWeights ? data.sampleWeights() : new float[1]);
        mean = input(deviceProblem.mean());
        inverseScale = input(deviceProblem.inverseScale());
        zeros = input(new float[features]);
        ones = input(DeviceProblem.filledFloats(features + 1, 1f));
        l2Factor = input(deviceProblem.l2Factor());
        l1Factor = input(deviceProblem.l1Factor());
        parameters = scratch(width);
        saved = scratch(width);
        first = scratch(width);
        second = scratch(width);
        partial = scratch((long) maxGroups * width);
        partialLoss = scratch(maxGroups);
        sums = scratch(width + 1L);
        stats = scratch(3);
        gramVector = scratch(features + 1L);
        sparse = data.isSparse() ? new SparseBuffers(data.sparseFeatures()) : null;
    }

    /**
     * The device side of sparse data (kernels/sparse_step.h): X as CSR, and as CSC made here once, so that each
     * column's gradient sum runs in a fixed order without atomics; s r per row and output, the centring term per
     * output, and the row pass's sums (k intercept sums, then the loss). The CSC copy doubles X's memory.
     */
    protected final class SparseBuffers {
        public final B rowOffsets;
        public final B columns;
        public final B values;
        public final B columnOffsets;
        public final B rowIndices;
        public final B columnValues;
        public final B residual;
        public final B centre;
        public final B rowSums;
        public final long nonZeros;

        SparseBuffers(CsrMatrix x) {
            nonZeros = x.nonZeros();
            rowOffsets = input(intOffsets(x.rowOffsets()));
            // a device buffer has at least one element: X without non-zeros (every row empty) gets one unread
            columns = input(nonZeros == 0 ? new int[1] : x.columnIndices());
            values = input(nonZeros == 0 ? new float[1] : x.values());
            CsrMatrix byColumn = x.transposed();
            columnOffsets = input(intOffsets(byColumn.rowOffsets()));
            rowIndices = input(nonZeros == 0 ? new int[1] : byColumn.columnIndices());
            columnValues = input(nonZeros == 0 ? new float[1] : byColumn.values());
            residual = scratch((long) rows * outputs);
            centre = scratch(outputs);
            rowSums = scratch(outputs + 1L);
        }
    }

    /**
     * The device bytes of X as an upload holds it: rows x features float32, or for sparse data ({@code nonZeros}
     * >= 0) CSR and its CSC copy (a value and an index per non-zero each, and their offsets) with s r per row and
     * output.
     */
    public static long xBytes(int rows, int features, int outputs, long nonZeros) {
        return nonZeros < 0 ? 4L * rows * features
                : 16L * nonZeros + 4L * (rows + features + 2) + 4L * rows * outputs;
    }

    /** X in words for a message that it does not fit: its shape, or its non-zeros for sparse data ({@code nonZeros} >= 0). */
    public static String describeX(int rows, int features, long nonZeros) {
        return nonZeros < 0 ? String.format(java.util.Locale.ROOT, "X (%,d x %,d float32)", rows, features)
                : String.format(java.util.Locale.ROOT, "X (%,d non-zeros as CSR and a CSC copy)", nonZeros);
    }

    /** The buffer the read-bandwidth floor streams, X's values, and its floats. */
    protected final B streamedX() {
        return sparse == null ? x : sparse.values;
    }

    protected final long streamedFloats() {
        return sparse == null ? (long) rows * features : sparse.nonZeros;
    }

    /** CSR offsets as the kernels take them: non-zeros fit an int (one Java array holds them). */
    private static int[] intOffsets(long[] offsets) {
        int[] narrow = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            narrow[i] = Math.toIntExact(offsets[i]);
        }
        return narrow;
    }

    @Override
    public final Problem problem() {
        return problem;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final Optional<Instrumentation> instrumentation() {
        return Optional.of(this);
    }

    @Override
    public final void setParameters(double[] values) {
        checkUploaded();
        flush();
        write(parameters, deviceProblem.toDevice(values));
        write(stats, new float[3]);
        statsFresh = false;
        resetOptimizerState();
    }

    @Override
    public final void dataTermSums(long permutationKey, int batchStart, int batchSize, DataTermSums out) {
        checkUploaded();
        boolean fullBatch = batchSize == rows;
        float[] result = fusedSums(!fullBatch, permutationKey, batchStart, batchSize);
        deviceProblem.toOriginalSums(result, fullBatch ? weightSum
                : RowPermutation.weightTotal(hostSampleWeights, rows, permutationKey, batchStart, batchSize), out);
    }

    @Override
    public final void gramTimes(double[] vector, double[] out) {
        checkUploaded();
        DeviceProblem.gramResult(gramSums(deviceProblem.gramVector(vector)), weightSum, out);
        if (!problem.intercept() && out.length > features) {
            // without an intercept its coordinate is not a parameter: the column of ones is left out, as elsewhere
            out[features] = 0;
        }
    }

    @Override
    public final double lastObjective() {
        return readStats()[0];
    }

    @Override
    public final double lastGradientNorm() {
        return readStats()[1];
    }

    @Override
    public final double takeObjectiveSum() {
        float[] all = readStats().clone();
        write(stats, new float[] {all[0], all[1], 0f});
        statsHost[2] = 0f;
        return all[2];
    }

    /** The update's statistics, read from the device once per step at most. */
    protected final float[] readStats() {
        checkUploaded();
        if (!statsFresh) {
            readStepStatistics(statsHost);
            statsFresh = true;
        }
        return statsHost;
    }

    /** Runs what is pending and reads the update's three statistics into {@code into}. */
    protected void readStepStatistics(float[] into) {
        flush();
        read(stats, into);
    }

    @Override
    public final void resetOptimizerState() {
        checkUploaded();
        flush();
        clear(first, width);
        clear(second, width);
        steps = 0;
    }

    @Override
    public final void checkpoint() {
        checkUploaded();
        flush();
        copy(parameters, saved, width);
    }

    @Override
    public final void restoreCheckpoint() {
        checkUploaded();
        flush();
        copy(saved, parameters, width);
        resetOptimizerState();
    }

    @Override
    public final double[] readParameters() {
        checkUploaded();
        flush();
        float[] scaled = new float[width];
        read(parameters, scaled);
        return deviceProblem.fromDevice(scaled);
    }

    /** Makes the backend's device context current on the calling thread, where the driver needs one. */
    protected void makeCurrent() {
    }

    /** Marks the backend closed; false when it already was (close is safe to call twice). */
    protected final boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the " + name() + " backend is closed");
        }
        makeCurrent();
    }

    protected final void checkUploaded() {
        checkOpen();
        if (problem == null) {
            throw new IllegalStateException("upload data before using the " + name() + " backend");
        }
    }
}
