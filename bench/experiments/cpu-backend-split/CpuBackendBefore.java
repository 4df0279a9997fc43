package dev.descent.backend.cpu;
// The cpu backend as one class, at 9ac439d (before the split into CpuPass, CpuTuning and the kernel families), renamed; for SplitAB.

import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend: float32 data, the Java Vector API, every core, and one pass over X per step.
 *
 * <p>A step splits the batch into blocks of rows. For each row of a block, while the row is still
 * in L1, it computes z = x . w + b, the loss and r = dloss/dz, and adds s_i r x to the block's
 * gradient: X is read from memory once per step. Workers claim blocks one at a time
 * (WorkerPool.runEach), so a core slowed by a neighbour does less of the pass instead of
 * holding it up. Each block's partial depends only on the block, and the partials are summed in block order on the
 * calling thread, so the result does not depend on the number of threads or their timing
 * (bit-identical runs).
 *
 * <p>Precision: the dot products and the running gradient are float32 over at most
 * {@link #ROWS_PER_CHUNK} rows, then folded into double block partials; the reduction, the
 * parameters and the optimizer state are double. Each row's loss and residual are double on the
 * array paths; on the vector paths (rows narrower than {@link #ONE_ROW_FROM_FEATURES}: logistic
 * through {@link #logisticLanes}, linear rows of {@link #NARROW_FROM_FEATURES} + 1 to
 * {@link #NARROW_FLOATS} floats in {@link #narrowBlock}) they are float32, to float32's relative
 * precision, and a chunk's losses and residual sums (the intercept's gradient) are summed in float32
 * lanes, then in double. Float32 rounding therefore grows with the chunk length, not with n.
 *
 * <p>Scratch space is sized at upload, and the steady-state step allocates nothing. On JDK 17 that
 * also needs {@link VectorProfiles}, run once per process by the first constructor: without it,
 * about half of the processes compiled some kernel with a vector store that did not intrinsify,
 * and allocated on every row or every eight rows.
 */
public final class CpuBackendBefore implements Backend {
    /**
     * 256-bit vectors even where 512 are available: on this project's AMD EPYC (Zen 4, which runs a
     * 512-bit operation as two 256-bit halves) the 256-bit step was faster at both benchmark shapes
     * (1,000,000 x 64 linear, one thread: 13.0 against 18.0 ms; 50,000 x 1,024: 15.4 against 18.2 ms),
     * because the per-row horizontal sum of the dot product is half as long. See bench/results.
     * Re-checked at 50,000 x 1,024 after the later kernel work: 512 bits 1.49-2.15x the read against
     * 1.14-1.31x (bench/results/2026-11-23-wide-rows/W512.java).
     */
    static final VectorSpecies<Float> SPECIES =
            FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /**
     * Rows whose gradient contributions are summed in float32 before being folded into double:
     * the fold costs d adds per chunk (under 1% of a chunk's 2 d flops per row at 128 rows), and the
     * float sums stay short, so their relative rounding stays near 128 * 2^-24 in the worst case.
     */
    static final int ROWS_PER_CHUNK = 128;

    /**
     * Rows at least this wide go through the block one at a time; narrower ones four at a time.
     * Four rows share each load of w and each load and store of the accumulator, which pays where
     * a row is a few vectors and per-row overheads dominate (d = 32, 64; and logistic, whose rows
     * then go {@link #LANE_GROUP} at a time so that their exp and log1p run on vectors). From d = 128 on, one row at a time was faster in every
     * paired run (two threads, ratio of step to streaming read): 1.42-1.71 against 2.71-2.77 at
     * 500,000 x 128 linear, 2.43-2.66 against 4.01-4.36 logistic, 1.33-2.02 against 2.98-3.12 at
     * 250,000 x 256, 1.40-1.90 against 1.73-2.21 at 50,000 x 1,024 (bench/results/2026-11-23-one-row).
     * The two paths sum a row's products in different orders (a lone row keeps four running sums,
     * see {@link #dot}), each fixed, so a step is still bit-identical from run to run; a lone
     * logistic row takes Math.exp and Math.log in double where grouped rows take
     * {@link #logisticLanes} in float32.
     */
    static final int ONE_ROW_FROM_FEATURES = 128;

    /**
     * Rows of at most this many floats (eight vectors; 64 at 256 bits), and wider than
     * {@link #NARROW_FROM_FEATURES}, go through the register kernels ({@link #narrowBlock},
     * {@link #narrowLogisticBlock}): the weights and the chunk's gradient stay in sixteen vector
     * registers, so a row costs its loads and its FMAs and no load and store of an accumulator
     * array. One thread, 1,000,000 x 64 from memory, the kernel alone: 10.2-11.4 ns a row against
     * 14.5-15.7 for the four-row path, the streaming read 11.5-12; the linear step 1.05-1.22x faster
     * with two threads (bench/results/2026-11-23-narrow).
     */
    static final int NARROW_VECTORS = 8;
    static final int NARROW_FLOATS = NARROW_VECTORS * LANES;

    /**
     * The lane swaps of a butterfly sum: add lane i ^ LANES/2 to lane i, then i ^ LANES/4, then (at
     * eight lanes) i ^ 1, and every lane holds the sum of all lanes, the same bits in each (every
     * add is of the same two values in either order). {@link #narrowBlock} takes a row's z this way
     * as a whole vector, ready for the vector residual, where reduceLanes (on JDK 17 a chain of eight
     * scalar adds) gives a float that must be widened, combined and broadcast back.
     */
    static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(SPECIES, i -> i ^ (LANES / 2));
    static final VectorShuffle<Float> SWAP_QUARTERS = VectorShuffle.fromOp(SPECIES, i -> i ^ (LANES / 4));
    static final VectorShuffle<Float> SWAP_EIGHTHS = VectorShuffle.fromOp(SPECIES, i -> i ^ Math.max(1, LANES / 8));

    /**
     * Narrower rows keep the four-row path: a narrow row still costs eight vectors of work, so below
     * half of them the register kernel would do more than twice the arithmetic the row needs.
     */
    static final int NARROW_FROM_FEATURES = NARROW_FLOATS / 2;

    /**
     * Logistic rows go through {@link #logisticLanes} this many at a time, as two vectors whose
     * loss and residual are computed by two calls back to back: each call is a dependency chain of
     * about 80 cycles (exp, a division, log1p), and the second call's chain runs beside the first's
     * instead of after the next group's dot products. Against one vector a group: 1.12x faster at
     * 3,072 x 64 (in L2, one thread), 1.16-1.31x at 8,192 x 24 (bench/results/2026-11-23-lanes).
     */
    static final int LANE_GROUP = 2 * LANES;

    /**
     * Where {@link #logisticLanes} finds its lanes in the per-worker {@link #laneScratch}: after the
     * first NARROW_FLOATS, where the register kernels store their gradient at the end of a chunk,
     * the group's z (then residuals), labels and sample weights, LANE_GROUP each, then one vector
     * each of running loss and residual sums for the chunk.
     */
    static final int Z_AT = NARROW_FLOATS;
    static final int LABEL_AT = Z_AT + LANE_GROUP;
    static final int WEIGHT_AT = LABEL_AT + LANE_GROUP;
    static final int LOSS_AT = WEIGHT_AT + LANE_GROUP;
    static final int RESIDUAL_SUM_AT = LOSS_AT + LANES;

    /** X bytes per block of a small pass (at least one chunk of rows): many blocks to share between the cores. */
    static final int BLOCK_BYTES = 1 << 18;

    /**
     * X bytes per block of a pass with rows for {@link #LONG_BLOCK_MIN_BLOCKS} such blocks, and at
     * least {@link #LONG_BLOCK_ROWS} rows. Every block costs a double partial of d + 1 values (cleared,
     * filled, and summed by the calling thread alone after the pass), a claim and a fresh start of
     * the memory stream. At 50,000 x 1,024, blocks of 128 rows left 391 partials, 3.2 MB that took
     * 0.15 ms of a 7 ms step to sum; with 512 rows the step was 1.04-1.09x faster (1,024 rows no
     * better than 512). At 1,000,000 x 64, 1 MiB blocks against 256 KiB: 1.01-1.05x (8 of 8
     * comparisons faster; the streaming read 0.98-1.00x, so the floor that the benchmarks report
     * against claims pieces the same way, see StreamingRead). Summing the partials on both workers
     * instead was slower (0.21 against 0.15 ms: each worker's partials sit in its own L2).
     * bench/results/2026-11-24-wide-blocks.
     */
    static final int LONG_BLOCK_BYTES = 1 << 20;
    static final int LONG_BLOCK_ROWS = 4 * ROWS_PER_CHUNK;

    /** Blocks a pass keeps at least, so that a slow core still has others to share with; see {@link #LONG_BLOCK_BYTES}. */
    static final int LONG_BLOCK_MIN_BLOCKS = 16;

    /** Cap on the doubles held by block partials (16 MiB), which bounds the reduction at wide softmax shapes. */
    static final int MAX_PARTIAL_VALUES = 1 << 21;

    /**
     * Unused slots at the end of every per-worker scratch array, one cache line's worth. The arrays
     * of different workers are allocated side by side and written on every row; without the slack
     * the end of one worker's array can share a cache line with the start of the next one's, and
     * the two cores would pass that line back and forth (false sharing) depending on where the
     * allocator put them.
     */
    private static final int LINE_SLACK_FLOATS = 16;
    private static final int LINE_SLACK_DOUBLES = 8;

    /** The loss table's codes of the losses with kernels of their own here; any other one-output loss takes the general path. */
    private static final int LOSS_LINEAR = Loss.LINEAR.kernelCode();
    private static final int LOSS_LOGISTIC = Loss.LOGISTIC.kernelCode();
    /** Not a loss: r = z, used by {@link #gramTimes} to compute X^T S X v with the same pass. */
    private static final int PASS_GRAM = Loss.GRAM_PASS_CODE;

    private final int threads;
    private final WorkerPool pool;
    private final WorkerPool.Piece blockWork = this::runBlock;

    private float[] x;
    private float[] y;
    private float[] sampleWeights;
    private int rows;
    private int features;
    private int outputs;
    private double weightSum;
    private Problem problem;
    private ParameterUpdate update;

    private double[] parameters;
    private double[] saved;
    private double[] gradient;
    private float[] weightsF;
    private float[] interceptsF;
    private float[] gramWeights;
    /** The pass's weights, zero-padded to NARROW_FLOATS, for {@link #narrowBlock}. */
    private float[] narrowWeights;
    private float[] gramIntercept;
    private double[] gramSums;

    /** The fewest rows a block may have: from the row width and the cap on partials; a pass may take more. */
    private int minRowsPerBlock;
    /** The rows of a long block ({@link #LONG_BLOCK_BYTES}), for passes with rows for enough of them. */
    private int longBlockRows;
    private double[] partialGradient;
    private double[] partialLoss;
    private float[][] chunkGradient;
    private double[][] outputScratch;
    private double[][] residualScratch;
    private double[][] interceptScratch;
    private float[][] laneScratch;
    private int[][] laneRows;

    // The current pass: written by the calling thread before the pool publishes it (volatile write).
    private int lossCode;
    private double lossParameter;
    private int passCode;
    private int passOutputs;
    private float[] passWeights;
    private float[] passIntercepts;
    private boolean passShuffled;
    private long passKey;
    private int passStart;
    private int passSize;
    private int passBlocks;
    private int rowsPerBlock;

    private double lastObjective = Double.NaN;
    private double lastGradientNorm = Double.NaN;
    private double objectiveSum;
    private boolean closed;

    /** Available wherever the JVM runs with jdk.incubator.vector. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public Availability availability() {
            return Availability.available(describe(Runtime.getRuntime().availableProcessors()));
        }

        @Override
        public boolean eligibleForAuto() {
            return true;
        }

        @Override
        public Backend create() {
            return new CpuBackendBefore(Runtime.getRuntime().availableProcessors());
        }
    }

    public CpuBackendBefore(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        VectorProfiles.ensurePrimed();
        this.threads = threads;
        this.pool = new WorkerPool(threads, "descent-cpu");
    }

    private static String describe(int threads) {
        return threads + (threads == 1 ? " thread, " : " threads, ") + SPECIES.vectorBitSize() + "-bit float32 vectors, "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB Java heap";
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return describe(threads);
    }

    @Override
    public void upload(Dataset data, Problem problemToSolve) {
        checkOpen();
        this.problem = problemToSolve;
        this.x = data.features();
        this.y = data.labels();
        this.sampleWeights = data.sampleWeights();
        this.rows = data.rows();
        this.features = data.columns();
        this.outputs = problemToSolve.outputs();
        this.weightSum = data.sampleWeightSum();
        this.update = new ParameterUpdate(problemToSolve);

        int parameterCount = problemToSolve.parameterCount();
        this.parameters = new double[parameterCount];
        this.saved = new double[parameterCount];
        this.gradient = new double[parameterCount];
        this.weightsF = new float[outputs * features];
        this.interceptsF = new float[outputs];
        this.gramWeights = new float[features];
        this.narrowWeights = new float[NARROW_FLOATS];
        this.gramIntercept = new float[1];
        this.gramSums = new double[features + 1];

        int partialWidth = Math.max(parameterCount, features + 1);
        int blockRows = Math.max(ROWS_PER_CHUNK, BLOCK_BYTES / (Float.BYTES * features));
        long blocksAtCap = Math.max(1, MAX_PARTIAL_VALUES / partialWidth);
        blockRows = (int) Math.max(blockRows, (rows + blocksAtCap - 1) / blocksAtCap);
        this.minRowsPerBlock = wholeChunks(blockRows);
        int maxBlocks = (rows + minRowsPerBlock - 1) / minRowsPerBlock;
        int longRows = Math.max(LONG_BLOCK_ROWS, LONG_BLOCK_BYTES / (Float.BYTES * features));
        this.longBlockRows = wholeChunks(longRows);
        this.partialGradient = new double[maxBlocks * partialWidth];
        this.partialLoss = new double[maxBlocks];

        this.chunkGradient = new float[threads][outputs * features + LINE_SLACK_FLOATS];
        this.outputScratch = new double[threads][Math.max(outputs, 4) + LINE_SLACK_DOUBLES];
        this.residualScratch = new double[threads][outputs + LINE_SLACK_DOUBLES];
        this.interceptScratch = new double[threads][outputs + LINE_SLACK_DOUBLES];
        this.laneScratch = new float[threads][RESIDUAL_SUM_AT + LANES + LINE_SLACK_FLOATS];
        this.laneRows = new int[threads][LANE_GROUP + LINE_SLACK_FLOATS];
        lossCode = problemToSolve.loss().kernelCode();
        lossParameter = problemToSolve.lossParameter();
    }

    @Override
    public Problem problem() {
        return problem;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void setParameters(double[] values) {
        checkUploaded();
        System.arraycopy(values, 0, parameters, 0, parameters.length);
        update.start(parameters);
        objectiveSum = 0;
        refreshFloatParameters();
    }

    @Override
    public void step(long permutationKey, int batchStart, int batchSize, double learningRate) {
        checkUploaded();
        boolean fullBatch = batchSize == rows;
        double batchWeightSum = fullBatch ? weightSum : batchSize * weightSum / rows;
        double dataTerm = lossAndGradient(!fullBatch, permutationKey, batchStart, batchSize, batchWeightSum);
        lastObjective = dataTerm + problem.regularize(parameters, gradient);
        lastGradientNorm = update.apply(parameters, gradient, learningRate);
        objectiveSum += lastObjective * batchSize;
        refreshFloatParameters();
    }

    @Override
    public double lastObjective() {
        return lastObjective;
    }

    @Override
    public double takeObjectiveSum() {
        double sum = objectiveSum;
        objectiveSum = 0;
        return sum;
    }

    @Override
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    @Override
    public void dataTermSums(long permutationKey, int batchStart, int batchSize, DataTermSums out) {
        checkUploaded();
        boolean fullBatch = batchSize == rows;
        runPass(lossCode, outputs, weightsF, interceptsF, !fullBatch, permutationKey, batchStart, batchSize);
        double lossSum = reducePartials(problem.parameterCount(), out.gradient());
        out.setTotals(fullBatch ? weightSum
                : RowPermutation.weightTotal(sampleWeights, rows, permutationKey, batchStart, batchSize), lossSum);
    }

    @Override
    public void gramTimes(double[] vector, double[] out) {
        checkUploaded();
        for (int j = 0; j < features; j++) {
            gramWeights[j] = (float) vector[j];
        }
        gramIntercept[0] = problem.intercept() ? (float) vector[features] : 0f;
        int width = features + 1;
        runPass(PASS_GRAM, 1, gramWeights, gramIntercept, false, 0, 0, rows);
        reducePartials(width, gramSums);
        for (int j = 0; j < out.length; j++) {
            out[j] = gramSums[j] / weightSum;
        }
    }

    /** The data term of the objective on a batch, with its gradient (divided by S') left in {@link #gradient}. */
    private double lossAndGradient(boolean shuffled, long key, int start, int size, double batchWeightSum) {
        runPass(lossCode, outputs, weightsF, interceptsF, shuffled, key, start, size);
        double loss = reducePartials(problem.parameterCount(), gradient);
        double inverse = 1.0 / batchWeightSum;
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] *= inverse;
        }
        return loss * inverse;
    }

    private void runPass(int code, int passOutputCount, float[] weights, float[] intercepts, boolean shuffled,
                         long key, int start, int size) {
        passCode = code;
        passOutputs = passOutputCount;
        passWeights = weights;
        passIntercepts = intercepts;
        passShuffled = shuffled;
        passKey = key;
        passStart = start;
        passSize = size;
        rowsPerBlock = blockRowsFor(size);
        passBlocks = (size + rowsPerBlock - 1) / rowsPerBlock;
        if (narrow(passOutputCount)) {
            System.arraycopy(weights, 0, narrowWeights, 0, features);
        }
        pool.runEach(passBlocks, blockWork);
    }

    /** {@code rows} rounded up to whole chunks ({@link #ROWS_PER_CHUNK}). */
    private static int wholeChunks(int rows) {
        return (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK * ROWS_PER_CHUNK;
    }

    /**
     * Rows a block of a pass of {@code size} rows: long blocks ({@link #LONG_BLOCK_BYTES}), as long
     * as the pass keeps {@link #LONG_BLOCK_MIN_BLOCKS} of them (whole chunks), and never fewer rows
     * than the upload's minimum. It depends on the pass's size and the row width alone, not on the
     * threads, so neither do the bits of the result.
     */
    private int blockRowsFor(int size) {
        int shareable = size / LONG_BLOCK_MIN_BLOCKS / ROWS_PER_CHUNK * ROWS_PER_CHUNK;
        return Math.max(minRowsPerBlock, Math.min(longBlockRows, shareable));
    }

    /** Sums the block partials in block order (fixed, so deterministic) into {@code sums}; returns the summed loss. */
    private double reducePartials(int width, double[] sums) {
        Arrays.fill(sums, 0, width, 0.0);
        double loss = 0;
        for (int b = 0; b < passBlocks; b++) {
            int base = b * width;
            for (int j = 0; j < width; j++) {
                sums[j] += partialGradient[base + j];
            }
            loss += partialLoss[b];
        }
        return loss;
    }

    /**
     * Whether a pass's rows fit the register kernels ({@link #narrowBlock}, {@link #narrowLogisticBlock}):
     * one output, more than four and at most eight vectors, and X at least eight vectors long (the
     * kernels read every row as eight full vectors, the last one from the last eight of X).
     */
    private boolean narrow(int passOutputCount) {
        return passOutputCount == 1 && features > NARROW_FROM_FEATURES && features <= NARROW_FLOATS
                && x.length >= NARROW_FLOATS;
    }

    /** The block kernel for the pass: by outputs, row width and loss (each kernel's comment says why). */
    private void runBlock(int worker, int blockIndex) {
        boolean logistic = passCode == LOSS_LOGISTIC;
        boolean ownKernels = logistic || passCode == LOSS_LINEAR || passCode == PASS_GRAM;
        if (passOutputs != 1) {
            block(worker, blockIndex);
        } else if (!ownKernels) {
            singleOutputBlock(worker, blockIndex);
        } else if (narrow(passOutputs)) {
            if (logistic) {
                narrowLogisticBlock(worker, blockIndex);
            } else {
                narrowBlock(worker, blockIndex);
            }
        } else if (logistic && features < ONE_ROW_FROM_FEATURES && LANES % 4 == 0) {
            // logisticBlock fills its LANES lanes from four-row groups; on a machine whose vectors
            // hold fewer than four floats, singleOutputBlock takes these rows through weighted().
            logisticBlock(worker, blockIndex);
        } else {
            singleOutputBlock(worker, blockIndex);
        }
    }

    /**
     * The block of a linear or gram pass, and of a logistic pass with rows of
     * {@link #ONE_ROW_FROM_FEATURES} or more. Rows narrower than
     * {@link #ONE_ROW_FROM_FEATURES} go four at a time: the four dot products share each load of w
     * and the four gradient updates share each load and store of the accumulator, which halves the
     * L1 traffic per row and overlaps the four rows' latencies. Wider rows go one at a time.
     */
    private void singleOutputBlock(int worker, int blockIndex) {
        final int d = features;
        final int code = passCode;
        final float[] w = passWeights;
        final double bias = passIntercepts[0];
        final float[] acc = chunkGradient[worker];
        final double[] loss = outputScratch[worker];
        final float[] s = sampleWeights;
        final float[] labels = y;
        final int width = singleOutputWidth(code);
        final int base = blockIndex * width;
        final int end = blockEnd(blockIndex);
        Arrays.fill(partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            int position = chunk;
            int groupedEnd = d < ONE_ROW_FROM_FEATURES ? chunkEnd : chunk;
            for (; position + 4 <= groupedEnd; position += 4) {
                int i0 = rowAt(position);
                int i1 = rowAt(position + 1);
                int i2 = rowAt(position + 2);
                int i3 = rowAt(position + 3);
                int o0 = i0 * d;
                int o1 = i1 * d;
                int o2 = i2 * d;
                int o3 = i3 * d;
                dot4(x, o0, o1, o2, o3, w, d, loss);
                double c0 = weighted(code, lossParameter, loss[0] + bias, i0, labels, s, loss, 0);
                double c1 = weighted(code, lossParameter, loss[1] + bias, i1, labels, s, loss, 1);
                double c2 = weighted(code, lossParameter, loss[2] + bias, i2, labels, s, loss, 2);
                double c3 = weighted(code, lossParameter, loss[3] + bias, i3, labels, s, loss, 3);
                lossSum += loss[0] + loss[1] + loss[2] + loss[3];
                interceptSum += c0 + c1 + c2 + c3;
                axpy4(acc, x, o0, o1, o2, o3, (float) c0, (float) c1, (float) c2, (float) c3, d);
            }
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(code, rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                partialGradient[base + j] += acc[j];
            }
        }
        partialGradient[base + d] = interceptSum;
        partialLoss[blockIndex] = lossSum;
    }

    /**
     * The block of a linear or gram pass whose rows fit in eight vectors, one row at a time, with
     * the weights and the chunk's gradient held in registers (locals, never passed to a method, so
     * the JIT keeps them unboxed). Each row is read as eight full vectors: the lanes past d belong
     * to the next row, and meet zero weights in the dot product (features are finite, checked at
     * load) and gradient lanes that are dropped at the end of the chunk. A row whose eight vectors
     * would run past the end of X (only the last row, when d < 64) is read as the last eight full
     * vectors with weight 0 and then taken through the array path ({@link #dot}, {@link #axpy}).
     *
     * <p>No branch in the row loop chooses between vectors: the loss (linear or gram), the sample
     * weight and that last row enter as scalar factors. With branches (a vector residual on one
     * side, none on the other; a {@code continue} past the vector code for the last row), a JVM
     * whose profile had seen both sides taken (the agreement tests' small shapes, with and
     * without weights, run first) compiled a kernel whose vectors met at a merge point with no
     * exact class, and every vector operation after it ran as a boxed fallback: 0.5-5 MB allocated
     * a step at 8,000 x 64 (SteadyStateAllocationTest, 5 of 6 runs), in the kernels of 8dcfe5f and
     * d21bb5e alike. The factors cost 1-3% against the branches.
     *
     * <p>z comes out of a butterfly sum ({@link #SWAP_HALVES}) in every lane, so the residual, the
     * loss and the running sums are computed on vectors, and the scale of the gradient update is
     * already broadcast. Against reduceLanes and the double-precision {@link #weighted}: 1.09-1.16x
     * faster at 3,072 x 64 (in L2, one thread); the butterfly with the scalar residual was no faster
     * (0.99-1.01), nor reduceLanes with the vector residual (1.03-1.05)
     * (bench/results/2026-11-23-lanes).
     */
    private void narrowBlock(int worker, int blockIndex) {
        final int d = features;
        final int code = passCode;
        final float[] xs = x;
        final float[] w = narrowWeights;
        final double bias = passIntercepts[0];
        final float biasF = passIntercepts[0];
        final float[] acc = chunkGradient[worker];
        final float[] registers = laneScratch[worker];
        final double[] loss = outputScratch[worker];
        final float[] s = sampleWeights;
        final float[] labels = y;
        final int width = singleOutputWidth(code);
        final int base = blockIndex * width;
        final int end = blockEnd(blockIndex);
        final int lastFullOffset = xs.length - NARROW_FLOATS;
        // Linear rows: residual 2 s (z - y), loss s (z - y)^2; gram rows (X^T X v): residual s z,
        // loss unused. Per pass, as factors, not as a branch per row: see the method's comment.
        final float labelFactor = code == LOSS_LINEAR ? 1f : 0f;
        final float residualFactor = code == LOSS_LINEAR ? 2f : 1f;
        final FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0);
        final FloatVector w1 = FloatVector.fromArray(SPECIES, w, LANES);
        final FloatVector w2 = FloatVector.fromArray(SPECIES, w, 2 * LANES);
        final FloatVector w3 = FloatVector.fromArray(SPECIES, w, 3 * LANES);
        final FloatVector w4 = FloatVector.fromArray(SPECIES, w, 4 * LANES);
        final FloatVector w5 = FloatVector.fromArray(SPECIES, w, 5 * LANES);
        final FloatVector w6 = FloatVector.fromArray(SPECIES, w, 6 * LANES);
        final FloatVector w7 = FloatVector.fromArray(SPECIES, w, 7 * LANES);
        Arrays.fill(partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            // The last row of X when its eight vectors would run past the end (d < 64); it goes
            // through the array path into acc after the loop, so acc is cleared and folded only in
            // the chunk that has it (1.02-1.10x at 1,000,000 x 64, bench/results/2026-11-23-two-rows).
            int lastRow = -1;
            FloatVector lossLanes = FloatVector.zero(SPECIES);
            FloatVector interceptLanes = lossLanes;
            FloatVector g0 = FloatVector.zero(SPECIES);
            FloatVector g1 = g0;
            FloatVector g2 = g0;
            FloatVector g3 = g0;
            FloatVector g4 = g0;
            FloatVector g5 = g0;
            FloatVector g6 = g0;
            FloatVector g7 = g0;
            for (int position = chunk; position < chunkEnd; position++) {
                int row = rowAt(position);
                int o = row * d;
                float weight = s == null ? 1f : s[row];
                if (o > lastFullOffset) {
                    // Read the last eight full vectors instead and give them weight 0.
                    lastRow = row;
                    o = lastFullOffset;
                    weight = 0f;
                }
                FloatVector x0 = FloatVector.fromArray(SPECIES, xs, o);
                FloatVector x1 = FloatVector.fromArray(SPECIES, xs, o + LANES);
                FloatVector x2 = FloatVector.fromArray(SPECIES, xs, o + 2 * LANES);
                FloatVector x3 = FloatVector.fromArray(SPECIES, xs, o + 3 * LANES);
                FloatVector x4 = FloatVector.fromArray(SPECIES, xs, o + 4 * LANES);
                FloatVector x5 = FloatVector.fromArray(SPECIES, xs, o + 5 * LANES);
                FloatVector x6 = FloatVector.fromArray(SPECIES, xs, o + 6 * LANES);
                FloatVector x7 = FloatVector.fromArray(SPECIES, xs, o + 7 * LANES);
                // A balanced tree of the eight products: three adds deep instead of a chain of eight FMAs.
                FloatVector products = x0.mul(w0).add(x1.mul(w1)).add(x2.mul(w2).add(x3.mul(w3)))
                        .add(x4.mul(w4).add(x5.mul(w5)).add(x6.mul(w6).add(x7.mul(w7))));
                FloatVector sum = products.add(products.rearrange(SWAP_HALVES));
                sum = sum.add(sum.rearrange(SWAP_QUARTERS));
                if (LANES == 8) {
                    sum = sum.add(sum.rearrange(SWAP_EIGHTHS));
                }
                FloatVector error = sum.add(biasF).sub(labels[row] * labelFactor);
                FloatVector scale = error.mul(weight * residualFactor);
                // error * scale is twice the linear loss, exactly (scaling by 2 rounds the same); halved per chunk.
                lossLanes = error.fma(scale, lossLanes);
                interceptLanes = interceptLanes.add(scale);
                g0 = x0.fma(scale, g0);
                g1 = x1.fma(scale, g1);
                g2 = x2.fma(scale, g2);
                g3 = x3.fma(scale, g3);
                g4 = x4.fma(scale, g4);
                g5 = x5.fma(scale, g5);
                g6 = x6.fma(scale, g6);
                g7 = x7.fma(scale, g7);
            }
            g0.intoArray(registers, 0);
            g1.intoArray(registers, LANES);
            g2.intoArray(registers, 2 * LANES);
            g3.intoArray(registers, 3 * LANES);
            g4.intoArray(registers, 4 * LANES);
            g5.intoArray(registers, 5 * LANES);
            g6.intoArray(registers, 6 * LANES);
            g7.intoArray(registers, 7 * LANES);
            lossSum += 0.5 * lossLanes.lane(0);
            interceptSum += interceptLanes.lane(0);
            if (lastRow >= 0) {
                Arrays.fill(acc, 0, d, 0f);
                interceptSum += arrayRow(code, lastRow, passWeights, bias, acc, loss);
                lossSum += loss[0];
                for (int j = 0; j < d; j++) {
                    partialGradient[base + j] += registers[j] + acc[j];
                }
            } else {
                for (int j = 0; j < d; j++) {
                    partialGradient[base + j] += registers[j];
                }
            }
        }
        partialGradient[base + d] = interceptSum;
        partialLoss[blockIndex] = lossSum;
    }

    /**
     * The block of a logistic pass with rows narrower than {@link #ONE_ROW_FROM_FEATURES}:
     * {@link #LANE_GROUP} rows at a time, their dot products and gradient updates as four-row groups
     * (dot4, axpy4) and their loss and residual on float vectors ({@link #logisticLanes}); the rest of a chunk one
     * row at a time. A method of its own, not a branch of the linear block's: a JVM that first runs
     * linear or gram passes (as every fit with the auto learning rate does) would otherwise compile
     * the block without the logistic loop and recompile it later, and that recompiled method ran
     * the lane math boxed, three times slower (PairedStep, linear then logistic in one process).
     */
    private void logisticBlock(int worker, int blockIndex) {
        final int d = features;
        final float[] w = passWeights;
        final double bias = passIntercepts[0];
        final float[] acc = chunkGradient[worker];
        final double[] loss = outputScratch[worker];
        final float[] lanes = laneScratch[worker];
        final int[] rows = laneRows[worker];
        final float[] s = sampleWeights;
        final float[] labels = y;
        final int width = problem.parameterCount();
        final int base = blockIndex * width;
        final int end = blockEnd(blockIndex);
        Arrays.fill(partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            Arrays.fill(lanes, LOSS_AT, RESIDUAL_SUM_AT + LANES, 0f);
            int position = chunk;
            for (; position + LANE_GROUP <= chunkEnd; position += LANE_GROUP) {
                for (int first = 0; first < LANE_GROUP; first += 4) {
                    int i0 = rowAt(position + first);
                    int i1 = rowAt(position + first + 1);
                    int i2 = rowAt(position + first + 2);
                    int i3 = rowAt(position + first + 3);
                    dot4(x, i0 * d, i1 * d, i2 * d, i3 * d, w, d, loss);
                    stageLogisticRow(lanes, rows, first, i0, loss[0], labels, s);
                    stageLogisticRow(lanes, rows, first + 1, i1, loss[1], labels, s);
                    stageLogisticRow(lanes, rows, first + 2, i2, loss[2], labels, s);
                    stageLogisticRow(lanes, rows, first + 3, i3, loss[3], labels, s);
                }
                logisticLanes(lanes, 0, (float) bias);
                logisticLanes(lanes, LANES, (float) bias);
                for (int first = 0; first < LANE_GROUP; first += 4) {
                    axpy4(acc, x, rows[first] * d, rows[first + 1] * d, rows[first + 2] * d, rows[first + 3] * d,
                            lanes[Z_AT + first], lanes[Z_AT + first + 1], lanes[Z_AT + first + 2], lanes[Z_AT + first + 3], d);
                }
            }
            lossSum += laneSum(lanes, LOSS_AT);
            interceptSum += laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(LOSS_LOGISTIC, rowAt(position), w, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                partialGradient[base + j] += acc[j];
            }
        }
        partialGradient[base + d] = interceptSum;
        partialLoss[blockIndex] = lossSum;
    }

    /**
     * The block of a logistic pass whose rows fit in eight vectors, {@link #LANE_GROUP} rows at a
     * time: this method picks the rows and stages their labels and sample weights (in a full batch
     * the group's are consecutive and copied whole: 1.06-1.07x at 3,072 x 64 against row by row,
     * bench/results/2026-11-23-lanes); per group,
     * {@link #narrowLogisticDots} computes z, {@link #logisticLanes} the loss and residual on two
     * vectors, and {@link #narrowLogisticGradient} adds the rows to the chunk's gradient. The rest of
     * a chunk, and rows whose eight vectors would run past the end of X, take the array path. Its
     * own method for the reason given at {@link #logisticBlock}. Against logisticBlock at
     * 1,000,000 x 64 (two threads) and 2048 x 64 (one): 1.08-1.16x faster
     * (bench/results/2026-11-23-narrow).
     *
     * <p>Why the vector work is split into methods of its own, each over 325 bytes of bytecode (so
     * that C2 never inlines them here or into each other; FreqInlineSize): on JDK 17 an intoArray
     * whose vector's exact class was not yet known failed to intrinsify (-XX:+PrintIntrinsics:
     * "missing constant: vclass=DecodeN"), and the vectors feeding it were allocated on every row:
     * several GB/s of garbage and a step two to five times slower, in some processes and not others.
     * With the dots and the gradient in one method that happened in about half of the processes
     * measured; split, in none of ten (bench/results/2026-11-23-jit-cutoff). The cause, found later
     * (bench/results/2026-11-23-trap-limit): class-check traps recorded in the Vector API's shared
     * methods are counted once per inlined operation, and past PerMethodTrapLimit C2 compiles the
     * whole method without class-check speculation; a large method gets there first.
     * {@link VectorProfiles} now keeps those traps from happening (the unsplit kernel with it: no
     * slow process of 8); the split stays, measured and no slower.
     */
    private void narrowLogisticBlock(int worker, int blockIndex) {
        final int d = features;
        final float[] acc = chunkGradient[worker];
        final float[] lanes = laneScratch[worker];
        final int[] rows = laneRows[worker];
        final double[] loss = outputScratch[worker];
        final float[] s = sampleWeights;
        final float[] labels = y;
        final float bias = passIntercepts[0];
        final int width = problem.parameterCount();
        final int base = blockIndex * width;
        final int end = blockEnd(blockIndex);
        final int lastFullOffset = x.length - NARROW_FLOATS;
        Arrays.fill(partialGradient, base, base + width, 0.0);
        double interceptSum = 0;
        double lossSum = 0;
        for (int chunk = blockIndex * rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, d, 0f);
            Arrays.fill(lanes, 0, NARROW_FLOATS, 0f);
            Arrays.fill(lanes, LOSS_AT, RESIDUAL_SUM_AT + LANES, 0f);
            if (s == null) {
                Arrays.fill(lanes, WEIGHT_AT, WEIGHT_AT + LANE_GROUP, 1f);
            }
            int position = chunk;
            groups:
            for (; position + LANE_GROUP <= chunkEnd; position += LANE_GROUP) {
                if (passShuffled) {
                    for (int r = 0; r < LANE_GROUP; r++) {
                        int row = rowAt(position + r);
                        if (row * d > lastFullOffset) {
                            break groups;
                        }
                        stageRow(lanes, rows, r, row, labels, s);
                    }
                } else {
                    // A full batch: the group's rows, labels and sample weights are consecutive.
                    if ((position + LANE_GROUP - 1) * d > lastFullOffset) {
                        break groups;
                    }
                    for (int r = 0; r < LANE_GROUP; r++) {
                        rows[r] = position + r;
                    }
                    System.arraycopy(labels, position, lanes, LABEL_AT, LANE_GROUP);
                    if (s != null) {
                        System.arraycopy(s, position, lanes, WEIGHT_AT, LANE_GROUP);
                    }
                }
                narrowLogisticDots(x, d, narrowWeights, lanes, rows);
                logisticLanes(lanes, 0, bias);
                logisticLanes(lanes, LANES, bias);
                narrowLogisticGradient(x, d, lanes, rows);
            }
            lossSum += laneSum(lanes, LOSS_AT);
            interceptSum += laneSum(lanes, RESIDUAL_SUM_AT);
            for (; position < chunkEnd; position++) {
                interceptSum += arrayRow(LOSS_LOGISTIC, rowAt(position), passWeights, bias, acc, loss);
                lossSum += loss[0];
            }
            for (int j = 0; j < d; j++) {
                partialGradient[base + j] += lanes[j] + acc[j];
            }
        }
        partialGradient[base + d] = interceptSum;
        partialLoss[blockIndex] = lossSum;
    }

    /**
     * The z of one group of {@link #narrowLogisticBlock} into lanes[Z_AT ..]: rows
     * {@code rows[0 .. LANE_GROUP)}, each read as eight full vectors (the lanes past d belong to the next
     * row and meet zero weights). The weights are loaded once per group. One of the group's vector
     * parts, each a method of its own (see {@link #narrowLogisticBlock}); at 328 bytes of bytecode it
     * is just over the 325 that keeps C2 from inlining it, so mind its size when editing it.
     */
    private static void narrowLogisticDots(float[] xs, int d, float[] w, float[] lanes, int[] rows) {
        FloatVector w0 = FloatVector.fromArray(SPECIES, w, 0);
        FloatVector w1 = FloatVector.fromArray(SPECIES, w, LANES);
        FloatVector w2 = FloatVector.fromArray(SPECIES, w, 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(SPECIES, w, 3 * LANES);
        FloatVector w4 = FloatVector.fromArray(SPECIES, w, 4 * LANES);
        FloatVector w5 = FloatVector.fromArray(SPECIES, w, 5 * LANES);
        FloatVector w6 = FloatVector.fromArray(SPECIES, w, 6 * LANES);
        FloatVector w7 = FloatVector.fromArray(SPECIES, w, 7 * LANES);
        for (int r = 0; r < LANE_GROUP; r++) {
            int o = rows[r] * d;
            FloatVector products = FloatVector.fromArray(SPECIES, xs, o).mul(w0)
                    .add(FloatVector.fromArray(SPECIES, xs, o + LANES).mul(w1))
                    .add(FloatVector.fromArray(SPECIES, xs, o + 2 * LANES).mul(w2)
                            .add(FloatVector.fromArray(SPECIES, xs, o + 3 * LANES).mul(w3)))
                    .add(FloatVector.fromArray(SPECIES, xs, o + 4 * LANES).mul(w4)
                            .add(FloatVector.fromArray(SPECIES, xs, o + 5 * LANES).mul(w5))
                            .add(FloatVector.fromArray(SPECIES, xs, o + 6 * LANES).mul(w6)
                                    .add(FloatVector.fromArray(SPECIES, xs, o + 7 * LANES).mul(w7))));
            lanes[Z_AT + r] = products.reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * The gradient of one group of {@link #narrowLogisticBlock}: each row times its weighted
     * residual (lanes[Z_AT ..], from {@link #logisticLanes}) added to the chunk's gradient in
     * lanes[0 .. NARROW_FLOATS) (lanes past d are dropped by the caller), the rows read again from L1.
     */
    private static void narrowLogisticGradient(float[] xs, int d, float[] lanes, int[] rows) {
        FloatVector g0 = FloatVector.fromArray(SPECIES, lanes, 0);
        FloatVector g1 = FloatVector.fromArray(SPECIES, lanes, LANES);
        FloatVector g2 = FloatVector.fromArray(SPECIES, lanes, 2 * LANES);
        FloatVector g3 = FloatVector.fromArray(SPECIES, lanes, 3 * LANES);
        FloatVector g4 = FloatVector.fromArray(SPECIES, lanes, 4 * LANES);
        FloatVector g5 = FloatVector.fromArray(SPECIES, lanes, 5 * LANES);
        FloatVector g6 = FloatVector.fromArray(SPECIES, lanes, 6 * LANES);
        FloatVector g7 = FloatVector.fromArray(SPECIES, lanes, 7 * LANES);
        for (int r = 0; r < LANE_GROUP; r++) {
            int o = rows[r] * d;
            FloatVector scale = FloatVector.broadcast(SPECIES, lanes[Z_AT + r]);
            g0 = FloatVector.fromArray(SPECIES, xs, o).fma(scale, g0);
            g1 = FloatVector.fromArray(SPECIES, xs, o + LANES).fma(scale, g1);
            g2 = FloatVector.fromArray(SPECIES, xs, o + 2 * LANES).fma(scale, g2);
            g3 = FloatVector.fromArray(SPECIES, xs, o + 3 * LANES).fma(scale, g3);
            g4 = FloatVector.fromArray(SPECIES, xs, o + 4 * LANES).fma(scale, g4);
            g5 = FloatVector.fromArray(SPECIES, xs, o + 5 * LANES).fma(scale, g5);
            g6 = FloatVector.fromArray(SPECIES, xs, o + 6 * LANES).fma(scale, g6);
            g7 = FloatVector.fromArray(SPECIES, xs, o + 7 * LANES).fma(scale, g7);
        }
        g0.intoArray(lanes, 0);
        g1.intoArray(lanes, LANES);
        g2.intoArray(lanes, 2 * LANES);
        g3.intoArray(lanes, 3 * LANES);
        g4.intoArray(lanes, 4 * LANES);
        g5.intoArray(lanes, 5 * LANES);
        g6.intoArray(lanes, 6 * LANES);
        g7.intoArray(lanes, 7 * LANES);
    }

    /**
     * One row through the array path: z by {@link #dot}, the loss into loss[0] and the weighted
     * residual by {@link #weighted}, the gradient by {@link #axpy} into {@code acc}. Returns the
     * weighted residual.
     */
    private double arrayRow(int code, int row, float[] w, double bias, float[] acc, double[] loss) {
        int offset = row * features;
        double c = weighted(code, lossParameter, dot(x, offset, w, 0, features) + bias, row, y, sampleWeights, loss, 0);
        axpy(acc, 0, x, offset, (float) c, features);
        return c;
    }

    /** Values in a block partial of a one-output pass: d weights and the intercept. */
    private int singleOutputWidth(int code) {
        return code == PASS_GRAM ? features + 1 : problem.parameterCount();
    }

    /** One past the last batch position of a block. */
    private int blockEnd(int blockIndex) {
        return Math.min(passSize, (blockIndex + 1) * rowsPerBlock);
    }

    private int rowAt(int position) {
        return passShuffled ? RowPermutation.row(passKey, rows, passStart + position) : position;
    }

    /**
     * s_i * dloss/dz for row i at linear output z; writes s_i * loss into lossOut[slot]. Logistic
     * uses one exp for both: with e = exp(-|z|), softplus(z) = max(z, 0) + log1p(e) and
     * sigmoid(z) = 1 / (1 + e) or e / (1 + e).
     */
    static double weighted(int code, double parameter, double z, int row, float[] labels, float[] s, double[] lossOut,
                           int slot) {
        double sampleWeight = s == null ? 1.0 : s[row];
        double residual;
        double loss;
        if (code == LOSS_LINEAR) {
            double error = z - labels[row];
            loss = error * error;
            residual = 2 * error;
        } else if (code == LOSS_LOGISTIC) {
            double label = labels[row];
            double e = Math.exp(-Math.abs(z));
            loss = Math.max(z, 0) + log1pSmall(e) - label * z;
            residual = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - label;
        } else if (code == PASS_GRAM) {
            loss = 0;
            residual = z;
        } else {
            Loss general = Loss.ofKernelCode(code);
            loss = general.value(z, labels[row], parameter);
            residual = general.derivative(z, labels[row], parameter);
        }
        lossOut[slot] = sampleWeight * loss;
        return sampleWeight * residual;
    }

    /**
     * log(1 + e) for e in [0, 1]: Math.log1p is not a JIT intrinsic and costs tens of nanoseconds,
     * Math.log is. Below 1e-4 the series e - e^2/2 + e^3/3 is exact to double rounding; above it,
     * the rounding of 1 + e (2^-53 absolute) is under 1e-12 of the result.
     */
    static double log1pSmall(double e) {
        return e < 1e-4 ? e * (1 - e * (0.5 - e / 3)) : Math.log(1 + e);
    }

    /** 1.5 * 2^23: added to a float of magnitude below 2^22, it rounds that float to an integer and leaves the integer in the low bits. */
    private static final float ROUNDING_SHIFTER = 12582912f;
    private static final int ROUNDING_SHIFTER_BITS = Float.floatToRawIntBits(ROUNDING_SHIFTER);
    /** Below this exp is taken at the bound: e^-80 = 2e-35 changes no loss or residual that float32 can hold beside 1. */
    private static final float EXP_LOWER_BOUND = -80f;

    /** Puts row {@code row}'s z (without the bias), label and sample weight in lane {@code lane} of {@link #logisticLanes}' input. */
    private static void stageLogisticRow(float[] lanes, int[] rows, int lane, int row, double z, float[] labels, float[] s) {
        stageRow(lanes, rows, lane, row, labels, s);
        lanes[Z_AT + lane] = (float) z;
    }

    /** Records row {@code row} in lane {@code lane} and puts its label and sample weight in {@link #logisticLanes}' input. */
    private static void stageRow(float[] lanes, int[] rows, int lane, int row, float[] labels, float[] s) {
        rows[lane] = row;
        lanes[LABEL_AT + lane] = labels[row];
        lanes[WEIGHT_AT + lane] = s == null ? 1f : s[row];
    }

    /**
     * The logistic loss and residual of LANES rows in float32, on one vector, the rows from
     * {@code first} in the group: on entry lanes[Z_AT + first ..] hold z without the bias,
     * lanes[LABEL_AT + first ..] the labels and lanes[WEIGHT_AT + first ..] the sample weights; on
     * exit lanes[Z_AT + first ..] hold the weighted residuals, which are also added lane by lane to
     * lanes[RESIDUAL_SUM_AT ..], and the weighted losses are added to lanes[LOSS_AT ..]. Keeping
     * those sums as vectors for a whole chunk, rather than summing eight lanes into a number per
     * call, takes a chain of eight scalar adds off every call.
     *
     * <p>With e = exp(-|z|): loss = max(z, 0) - y z + log1p(e), and the residual sigmoid(z) - y as
     * (1 - 2y) (1 or e) / (1 + e), without a subtraction, so that a tiny residual (a well-classified
     * row) keeps float32's relative precision instead of becoming 0.
     *
     * <p>exp and log1p are written here with adds, multiplies, FMAs, one division and bit shifts,
     * not taken from VectorOperators.EXP and LOG1P: those give SVML's bits once the JIT has compiled
     * the code and Math's per lane before, so a block's result would depend on when a worker reached
     * it, and the same seed would not give the same weights. exp is Cephes' expf (x = k ln 2 + r,
     * |r| <= ln 2 / 2, ln 2 in two parts after Cody and Waite, e^r by a degree-7 polynomial, 2^k put
     * in the exponent bits; e^-80 = 2e-35 stands for anything below). log1p is 2 atanh(s) with
     * s = e / (2 + e) <= 1/3, whose series 2 s (1 + s^2/3 + s^4/5 + ...) drops below 2^-24 of its
     * sum after s^14/15. Both polynomials go by Estrin's scheme (pairs of terms, then r^2 and r^4),
     * three FMAs deep instead of Horner's six and seven: this method is one dependency chain that a
     * step waits on. Over z in [-87, 87] the residual is within 2.4 ulp of double and the loss within
     * 3.6 ulp (3.1 with Horner's scheme); with the running sums above, 1.07-1.13x faster at
     * 3,072 x 64 and 8,192 x 24 (bench/results/2026-11-23-lanes).
     *
     * <p>Arrays in and out, and every vector operation written out in this one method rather
     * than in helpers: a helper that takes or returns a vector is a call the JIT may decline to inline
     * once the method's node budget is spent (seen here: NodeCountInliningCutoff), and a vector
     * crossing a call is boxed.
     */
    static void logisticLanes(float[] lanes, int first, float bias) {
        FloatVector z = FloatVector.fromArray(SPECIES, lanes, Z_AT + first).add(bias);
        FloatVector label = FloatVector.fromArray(SPECIES, lanes, LABEL_AT + first);
        FloatVector sampleWeight = FloatVector.fromArray(SPECIES, lanes, WEIGHT_AT + first);

        // e = exp(-|z|)
        FloatVector x = z.abs().neg().max(EXP_LOWER_BOUND);
        FloatVector shifted = x.mul(1.44269504088896341f).add(ROUNDING_SHIFTER);
        FloatVector k = shifted.sub(ROUNDING_SHIFTER);
        // k ln2_hi is exact (k has at most 7 bits, ln2_hi 9), so this first step loses nothing.
        FloatVector r = k.fma(FloatVector.broadcast(SPECIES, 2.12194440e-4f), x.sub(k.mul(0.693359375f)));
        FloatVector r2 = r.mul(r);
        FloatVector r4 = r2.mul(r2);
        FloatVector p01 = r.fma(1.6666665459e-1f, 5.0000001201e-1f);
        FloatVector p23 = r.fma(8.3334519073e-3f, 4.1665795894e-2f);
        FloatVector p45 = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        FloatVector polynomial = p45.fma(r4, p23.fma(r2, p01)).fma(r2, r).add(1f);
        IntVector twoToK = shifted.viewAsIntegralLanes().reinterpretAsInts()
                .sub(ROUNDING_SHIFTER_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = polynomial.viewAsIntegralLanes().reinterpretAsInts().add(twoToK).viewAsFloatingLanes().reinterpretAsFloats();

        // log1p(e) = 2 s (1 + t/3 + t^2/5 + ... + t^7/15), s = e / (2 + e), t = s^2
        FloatVector s = e.div(e.add(2f));
        FloatVector t = s.mul(s);
        FloatVector t2 = t.mul(t);
        FloatVector t4 = t2.mul(t2);
        FloatVector s01 = t.fma(1f / 3, 1f);
        FloatVector s23 = t.fma(1f / 7, 1f / 5);
        FloatVector s45 = t.fma(1f / 11, 1f / 9);
        FloatVector s67 = t.fma(1f / 15, 1f / 13);
        FloatVector series = s67.fma(t2, s45).fma(t4, s23.fma(t2, s01));
        FloatVector log1p = s.add(s).mul(series);

        FloatVector loss = z.max(0f).sub(label.mul(z)).add(log1p).mul(sampleWeight);
        FloatVector sign = label.mul(-2f).add(1f);
        FloatVector numerator = e.blend(1f, z.mul(sign).compare(VectorOperators.GE, 0f));
        FloatVector residual = numerator.mul(sign).mul(sampleWeight).div(e.add(1f));
        residual.intoArray(lanes, Z_AT + first);
        residual.add(FloatVector.fromArray(SPECIES, lanes, RESIDUAL_SUM_AT)).intoArray(lanes, RESIDUAL_SUM_AT);
        loss.add(FloatVector.fromArray(SPECIES, lanes, LOSS_AT)).intoArray(lanes, LOSS_AT);
    }

    /** A chunk's sums that {@link #logisticLanes} kept lane by lane at {@code at}, summed in double in lane order. */
    static double laneSum(float[] lanes, int at) {
        double sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += lanes[at + lane];
        }
        return sum;
    }

    /** Four dot products x_r . w, sharing the loads of w; results in out[0..3]. */
    static void dot4(float[] x, int o0, int o1, int o2, int o3, float[] w, int d, double[] out) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        FloatVector s2 = FloatVector.zero(SPECIES);
        FloatVector s3 = FloatVector.zero(SPECIES);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, j);
            s0 = FloatVector.fromArray(SPECIES, x, o0 + j).fma(wv, s0);
            s1 = FloatVector.fromArray(SPECIES, x, o1 + j).fma(wv, s1);
            s2 = FloatVector.fromArray(SPECIES, x, o2 + j).fma(wv, s2);
            s3 = FloatVector.fromArray(SPECIES, x, o3 + j).fma(wv, s3);
        }
        float z0 = s0.reduceLanes(VectorOperators.ADD);
        float z1 = s1.reduceLanes(VectorOperators.ADD);
        float z2 = s2.reduceLanes(VectorOperators.ADD);
        float z3 = s3.reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            z0 = Math.fma(x[o0 + j], w[j], z0);
            z1 = Math.fma(x[o1 + j], w[j], z1);
            z2 = Math.fma(x[o2 + j], w[j], z2);
            z3 = Math.fma(x[o3 + j], w[j], z3);
        }
        out[0] = z0;
        out[1] = z1;
        out[2] = z2;
        out[3] = z3;
    }

    /** acc += a0 x_0 + a1 x_1 + a2 x_2 + a3 x_3, one load and one store of acc per vector. */
    static void axpy4(float[] acc, float[] x, int o0, int o1, int o2, int o3, float a0, float a1, float a2, float a3, int d) {
        FloatVector v0 = FloatVector.broadcast(SPECIES, a0);
        FloatVector v1 = FloatVector.broadcast(SPECIES, a1);
        FloatVector v2 = FloatVector.broadcast(SPECIES, a2);
        FloatVector v3 = FloatVector.broadcast(SPECIES, a3);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector sum = FloatVector.fromArray(SPECIES, acc, j);
            sum = FloatVector.fromArray(SPECIES, x, o0 + j).fma(v0, sum);
            sum = FloatVector.fromArray(SPECIES, x, o1 + j).fma(v1, sum);
            sum = FloatVector.fromArray(SPECIES, x, o2 + j).fma(v2, sum);
            sum = FloatVector.fromArray(SPECIES, x, o3 + j).fma(v3, sum);
            sum.intoArray(acc, j);
        }
        for (; j < d; j++) {
            float sum = acc[j];
            sum = Math.fma(x[o0 + j], a0, sum);
            sum = Math.fma(x[o1 + j], a1, sum);
            sum = Math.fma(x[o2 + j], a2, sum);
            sum = Math.fma(x[o3 + j], a3, sum);
            acc[j] = sum;
        }
    }

    /** One block of a softmax pass: k outputs per row, then loss, residuals and k gradient rows, each row read once. */
    private void block(int worker, int blockIndex) {
        final int d = features;
        final int k = passOutputs;
        final float[] w = passWeights;
        final float[] b = passIntercepts;
        final float[] acc = chunkGradient[worker];
        final double[] z = outputScratch[worker];
        final double[] residuals = residualScratch[worker];
        final double[] interceptSums = interceptScratch[worker];
        final int width = problem.parameterCount();
        final int base = blockIndex * width;
        final int end = blockEnd(blockIndex);
        Arrays.fill(partialGradient, base, base + width, 0.0);
        Arrays.fill(interceptSums, 0, k, 0.0);
        double lossSum = 0;
        for (int chunk = blockIndex * rowsPerBlock; chunk < end; chunk += ROWS_PER_CHUNK) {
            int chunkEnd = Math.min(end, chunk + ROWS_PER_CHUNK);
            Arrays.fill(acc, 0, k * d, 0f);
            for (int position = chunk; position < chunkEnd; position++) {
                int i = rowAt(position);
                int offset = i * d;
                for (int c = 0; c < k; c++) {
                    z[c] = dot(x, offset, w, c * d, d) + b[c];
                }
                double sampleWeight = sampleWeights == null ? 1.0 : sampleWeights[i];
                int labelIndex = (int) y[i];
                double loss = Loss.softmax(z, k, labelIndex, residuals);
                residuals[labelIndex] -= 1;
                lossSum += sampleWeight * loss;
                for (int c = 0; c < k; c++) {
                    double coefficient = sampleWeight * residuals[c];
                    axpy(acc, c * d, x, offset, (float) coefficient, d);
                    interceptSums[c] += coefficient;
                }
            }
            for (int j = 0; j < k * d; j++) {
                partialGradient[base + j] += acc[j];
            }
        }
        for (int c = 0; c < k; c++) {
            partialGradient[base + k * d + c] = interceptSums[c];
        }
        partialLoss[blockIndex] = lossSum;
    }

    /** x[xOffset .. xOffset + d) . w[wOffset .. wOffset + d) in float32, lanes summed in a fixed order. */
    static float dot(float[] x, int xOffset, float[] w, int wOffset, int d) {
        // Four running sums, so that a wide row is four chains of FMAs instead of one chain whose
        // every step waits for the one before (four cycles each): at d = 1,024 one chain is 128 long.
        FloatVector sum = FloatVector.zero(SPECIES);
        FloatVector sum1 = FloatVector.zero(SPECIES);
        FloatVector sum2 = FloatVector.zero(SPECIES);
        FloatVector sum3 = FloatVector.zero(SPECIES);
        int upper = SPECIES.loopBound(d);
        // "j < bound", not "j + 4 * LANES <= upper": C2 compiles only the first form as a counted
        // loop, without a bounds check on each load and a safepoint poll on each iteration.
        int fourVectorsBound = upper - upper % (4 * LANES);
        int j = 0;
        for (; j < fourVectorsBound; j += 4 * LANES) {
            sum = FloatVector.fromArray(SPECIES, x, xOffset + j).fma(FloatVector.fromArray(SPECIES, w, wOffset + j), sum);
            sum1 = FloatVector.fromArray(SPECIES, x, xOffset + j + LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + LANES), sum1);
            sum2 = FloatVector.fromArray(SPECIES, x, xOffset + j + 2 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + 2 * LANES), sum2);
            sum3 = FloatVector.fromArray(SPECIES, x, xOffset + j + 3 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, w, wOffset + j + 3 * LANES), sum3);
        }
        for (; j < upper; j += LANES) {
            sum = FloatVector.fromArray(SPECIES, x, xOffset + j).fma(FloatVector.fromArray(SPECIES, w, wOffset + j), sum);
        }
        float result = sum.add(sum1).add(sum2.add(sum3)).reduceLanes(VectorOperators.ADD);
        for (; j < d; j++) {
            result = Math.fma(x[xOffset + j], w[wOffset + j], result);
        }
        return result;
    }

    /** acc[accOffset .. accOffset + d) += a * x[xOffset .. xOffset + d). */
    static void axpy(float[] acc, int accOffset, float[] x, int xOffset, float a, int d) {
        FloatVector scale = FloatVector.broadcast(SPECIES, a);
        int upper = SPECIES.loopBound(d);
        int j = 0;
        for (; j < upper; j += LANES) {
            FloatVector.fromArray(SPECIES, x, xOffset + j)
                    .fma(scale, FloatVector.fromArray(SPECIES, acc, accOffset + j))
                    .intoArray(acc, accOffset + j);
        }
        for (; j < d; j++) {
            acc[accOffset + j] = Math.fma(x[xOffset + j], a, acc[accOffset + j]);
        }
    }

    private void refreshFloatParameters() {
        int weightCount = problem.penalizedCount();
        for (int j = 0; j < weightCount; j++) {
            weightsF[j] = (float) parameters[j];
        }
        for (int c = 0; c < outputs; c++) {
            interceptsF[c] = (float) parameters[weightCount + c];
        }
    }

    @Override
    public void resetOptimizerState() {
        update.reset();
    }

    @Override
    public void checkpoint() {
        checkUploaded();
        System.arraycopy(parameters, 0, saved, 0, parameters.length);
    }

    @Override
    public void restoreCheckpoint() {
        checkUploaded();
        System.arraycopy(saved, 0, parameters, 0, parameters.length);
        update.start(parameters);
        refreshFloatParameters();
    }

    @Override
    public double[] readParameters() {
        checkUploaded();
        return parameters.clone();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the cpu backend is closed");
        }
    }

    private void checkUploaded() {
        checkOpen();
        if (problem == null) {
            throw new IllegalStateException("upload data before using the cpu backend");
        }
    }
}
