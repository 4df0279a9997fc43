package dev.descent.backend.cpu;

import static dev.descent.backend.cpu.CpuTuning.*;
import static dev.descent.backend.cpu.LaneScratch.*;
import static dev.descent.backend.cpu.RowLoss.*;
import static dev.descent.backend.cpu.VectorOps.*;

import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.optim.Problem;
import java.util.Arrays;

/**
 * The pass planner and dispatcher of the cpu backend: the uploaded data, the description of the current
 * pass, its blocks of rows and their partials, the per-worker scratch, and {@link #runBlock}, which sends
 * each block to its kernel family ({@link RowKernels}, {@link RegisterKernels}, {@link SoftmaxKernel}).
 * The kernels read this object's fields directly: they are the pass's state, not an API.
 *
 * <p>A pass splits the batch into blocks of rows; workers claim blocks one at a time
 * ({@link WorkerPool#runEach}), each block writes its own partial, and {@link #reducePartials} sums
 * the partials in block order on the calling thread, so the result depends neither on the number of
 * threads nor on their timing. Block sizes depend only on the pass's size and the row width.
 */
final class CpuPass {
    final float[] x;
    final float[] y;
    final float[] sampleWeights;
    final int rows;
    final int features;
    final Problem problem;
    final double lossParameter;

    /** The pass's weights, zero-padded to NARROW_FLOATS, for {@link RegisterKernels#narrowBlock}. */
    final float[] narrowWeights = new float[NARROW_FLOATS];
    /** The fewest rows a block may have: from the row width and the cap on partials; a pass may take more. */
    private final int minRowsPerBlock;
    /** The rows of a long block ({@link CpuTuning#LONG_BLOCK_BYTES}), for passes with rows for enough of them. */
    private final int longBlockRows;
    final double[] partialGradient;
    final double[] partialLoss;
    final float[][] chunkGradient;
    final double[][] outputScratch;
    final double[][] residualScratch;
    final double[][] interceptScratch;
    final float[][] laneScratch;
    final int[][] laneRows;
    /** Per worker, the lane sums of {@link ScalarTwins}' dot products: four vectors' worth. */
    final float[][] twinScratch;
    /** Per worker, a softmax tile's outputs, then its coefficients ({@link SoftmaxKernel}), SOFTMAX_ROW_TILE * k each. */
    final float[][] softmaxScratch;

    /** One block of the current pass, by one kernel family's vector code or its scalar twin. */
    @FunctionalInterface
    interface BlockKernel {
        void run(int worker, int blockIndex);
    }

    /**
     * The kernel families, each with its vector code, its twin and its own warm-up (the JIT compiles
     * each family's vector code on its own), indexed by the family constants below.
     */
    private static final int SOFTMAX = 0;
    private static final int ROWS = 1;
    private static final int LOGISTIC_ROWS = 2;
    private static final int NARROW = 3;
    private static final int NARROW_LOGISTIC = 4;
    private final BlockKernel[] vectorKernels = {
        (worker, block) -> SoftmaxBlock.run(this, worker, block, false),
        (worker, block) -> RowKernels.singleOutputBlock(this, worker, block),
        (worker, block) -> RowKernels.logisticBlock(this, worker, block),
        (worker, block) -> RegisterKernels.narrowBlock(this, worker, block),
        (worker, block) -> RegisterKernels.narrowLogisticBlock(this, worker, block),
    };
    private final BlockKernel[] twinKernels = {
        (worker, block) -> SoftmaxBlock.run(this, worker, block, true),
        (worker, block) -> ScalarTwins.singleOutputBlock(this, worker, block),
        (worker, block) -> ScalarTwins.logisticBlock(this, worker, block),
        (worker, block) -> ScalarTwins.narrowBlock(this, worker, block),
        (worker, block) -> ScalarTwins.narrowLogisticBlock(this, worker, block),
    };
    private final KernelWarmUp[] warmUps = new KernelWarmUp[vectorKernels.length];
    /** What each family has learnt in this process (see {@link KernelWarmUp.Family}), indexed as the kernels. */
    private static final KernelWarmUp.Family[] FAMILIES = {
        new KernelWarmUp.Family(), new KernelWarmUp.Family(), new KernelWarmUp.Family(), new KernelWarmUp.Family(),
        new KernelWarmUp.Family(),
    };

    private final WorkerPool pool;
    private final WorkerPool.Piece blockWork = this::runBlock;

    // The current pass: written by the calling thread before the pool publishes it (volatile write).
    int passCode;
    int passOutputs;
    float[] passWeights;
    float[] passIntercepts;
    boolean passShuffled;
    long passKey;
    int passStart;
    int passSize;
    int passBlocks;
    int rowsPerBlock;

    /** Plans the passes over {@code data} for {@code problem} and sizes every buffer, so that a pass allocates nothing. */
    CpuPass(Dataset data, Problem problem, int threads, WorkerPool pool) {
        this(data, problem, threads, pool, KernelWarmUp.configuredChoice());
    }

    /** As above, with the kernels' code forced ({@code choice} VECTOR or SCALAR) or chosen by a warm-up. */
    CpuPass(Dataset data, Problem problem, int threads, WorkerPool pool, KernelWarmUp.Choice choice) {
        this.x = data.features();
        this.y = data.labels();
        this.sampleWeights = data.sampleWeights();
        this.rows = data.rows();
        this.features = data.columns();
        this.problem = problem;
        this.lossParameter = problem.lossParameter();
        this.pool = pool;
        int outputs = problem.outputs();
        int partialWidth = Math.max(problem.parameterCount(), features + 1);
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
        this.twinScratch = new float[threads][Math.max(4, 2 * SOFTMAX_ROW_TILE) * LANES + LINE_SLACK_FLOATS];
        this.softmaxScratch = new float[threads][2 * SOFTMAX_ROW_TILE * outputs + LINE_SLACK_FLOATS];
        for (int family = 0; family < warmUps.length; family++) {
            warmUps[family] = new KernelWarmUp(choice, FAMILIES[family]);
        }
    }

    /**
     * One pass of kernel code {@code code} (a loss's, or {@link RowLoss#PASS_GRAM}) with {@code passOutputCount}
     * outputs at these weights and intercepts, over the batch (see {@link dev.descent.backend.DataPasses}),
     * leaving one partial per block for {@link #reducePartials}.
     */
    void run(int code, int passOutputCount, float[] weights, float[] intercepts, boolean shuffled,
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
        KernelWarmUp warmUp = warmUps[family(code, passOutputCount)];
        if (warmUp.dueToStart()) {
            warmUp.start(warmUpPass(code, passOutputCount, weights, intercepts, shuffled));
        }
        pool.runEach(passBlocks, blockWork);
    }

    /**
     * A pass like this one, by the vector code, over a copy of the first {@link KernelWarmUp#WARM_UP_ROWS}
     * rows (their sample weights too, and shuffled if this pass is, so that the JIT's profile of the
     * kernel is the real passes'): what {@link KernelWarmUp} runs to get the vector code compiled.
     * Returns the rows it ran; results are discarded.
     */
    private java.util.function.IntSupplier warmUpPass(int code, int outputs, float[] weights, float[] intercepts,
                                                      boolean shuffled) {
        int copyRows = Math.min(rows, KernelWarmUp.WARM_UP_ROWS);
        Dataset copy = Dataset.rowMajor(Arrays.copyOf(x, copyRows * features), copyRows, features,
                Arrays.copyOf(y, copyRows));
        if (sampleWeights != null) {
            copy = copy.withSampleWeights(Arrays.copyOf(sampleWeights, copyRows));
        }
        CpuPass vectorPass = new CpuPass(copy, problem, 1, new WorkerPool(1, "descent-cpu-warm-up"),
                KernelWarmUp.Choice.VECTOR);
        float[] weightsCopy = weights.clone();
        float[] interceptsCopy = intercepts.clone();
        return () -> {
            vectorPass.run(code, outputs, weightsCopy, interceptsCopy, shuffled, 1, 0, copyRows);
            return copyRows;
        };
    }

    /** Stops the kernels' warm-ups; the pass is not used after this. */
    void close() {
        for (KernelWarmUp warmUp : warmUps) {
            warmUp.close();
        }
    }

    /** Sums the block partials in block order (fixed, so deterministic) into {@code sums}; returns the summed loss. */
    double reducePartials(int width, double[] sums) {
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

    /** {@code rows} rounded up to whole chunks ({@link CpuTuning#ROWS_PER_CHUNK}). */
    static int wholeChunks(int rows) {
        return (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK * ROWS_PER_CHUNK;
    }

    /**
     * Rows a block of a pass of {@code size} rows: long blocks ({@link CpuTuning#LONG_BLOCK_BYTES}), as long
     * as the pass keeps {@link CpuTuning#LONG_BLOCK_MIN_BLOCKS} of them (whole chunks), and never fewer rows
     * than the upload's minimum. It depends on the pass's size and the row width alone, not on the
     * threads, so neither do the bits of the result.
     */
    private int blockRowsFor(int size) {
        int shareable = size / LONG_BLOCK_MIN_BLOCKS / ROWS_PER_CHUNK * ROWS_PER_CHUNK;
        return Math.max(minRowsPerBlock, Math.min(longBlockRows, shareable));
    }

    /**
     * Whether a pass's rows fit the register kernels ({@link RegisterKernels#narrowBlock}, {@link RegisterKernels#narrowLogisticBlock}):
     * one output, more than four and at most eight vectors, and X at least eight vectors long (the
     * kernels read every row as eight full vectors, the last one from the last eight of X).
     */
    boolean narrow(int passOutputCount) {
        return passOutputCount == 1 && features > NARROW_FROM_FEATURES && features <= NARROW_FLOATS
                && x.length >= NARROW_FLOATS;
    }

    /** Runs a block by its kernel family's vector code or twin ({@link KernelWarmUp}). */
    private void runBlock(int worker, int blockIndex) {
        int family = family(passCode, passOutputs);
        int blockRows = blockEnd(blockIndex) - blockIndex * rowsPerBlock;
        warmUps[family].run(vectorKernels[family], twinKernels[family], worker, blockIndex, blockRows);
    }

    /** The kernel family of a pass of kernel code {@code code}: by outputs, row width and loss (each kernel's comment says why). */
    private int family(int code, int outputs) {
        boolean logistic = code == LOSS_LOGISTIC;
        boolean ownKernels = logistic || code == LOSS_LINEAR || code == PASS_GRAM;
        if (outputs != 1) {
            return SOFTMAX;
        } else if (!ownKernels) {
            return ROWS;
        } else if (narrow(outputs)) {
            return logistic ? NARROW_LOGISTIC : NARROW;
        } else if (logistic && features < ONE_ROW_FROM_FEATURES && LANES % 4 == 0) {
            // logisticBlock fills its LANES lanes from four-row groups; on a machine whose vectors
            // hold fewer than four floats, singleOutputBlock takes these rows through weighted().
            return LOGISTIC_ROWS;
        } else {
            return ROWS;
        }
    }

    /** Whether the blocks of passes of kernel code {@code code} with {@code outputs} outputs now run the vector code. */
    boolean vectorChosen(int code, int outputs) {
        return warmUps[family(code, outputs)].vectorChosen();
    }

    /** Whether those blocks run the code they will keep ({@link KernelWarmUp#settled}). */
    boolean settled(int code, int outputs) {
        return warmUps[family(code, outputs)].settled();
    }

    /**
     * One row through the array path: z by {@link VectorOps#dot}, the loss into loss[0] and the weighted
     * residual by {@link RowLoss#weighted}, the gradient by {@link VectorOps#axpy} into {@code acc}. Returns the
     * weighted residual.
     */
    double arrayRow(int code, int row, float[] w, double bias, float[] acc, double[] loss) {
        int offset = row * features;
        double c = weighted(code, lossParameter, dot(x, offset, w, 0, features) + bias, row, y, sampleWeights, loss, 0);
        axpy(acc, 0, x, offset, (float) c, features);
        return c;
    }

    /** Values in a block partial of a one-output pass: d weights and the intercept. */
    int singleOutputWidth(int code) {
        return code == PASS_GRAM ? features + 1 : problem.parameterCount();
    }

    /** One past the last batch position of a block. */
    int blockEnd(int blockIndex) {
        return Math.min(passSize, (blockIndex + 1) * rowsPerBlock);
    }

    int rowAt(int position) {
        return passShuffled ? RowPermutation.row(passKey, rows, passStart + position) : position;
    }
}
