package dev.descent.backend.cpu;

import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.ModelSetSums;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;

/**
 * The CPU backend: float32 data, the Java Vector API, every core, and one pass over X per step.
 *
 * <p>A pass ({@link CpuPass}) splits the batch into blocks of rows. For each row of a block, while the
 * row is still in L1, a kernel computes z = x . w + b, the loss and r = dloss/dz, and adds s_i r x to
 * the block's gradient: X is read from memory once per step. Workers claim blocks one at a time, so a
 * core slowed by a neighbour does less of the pass instead of holding it up. Each block's partial
 * depends only on the block, and the partials are summed in block order on the calling thread, so the
 * result does not depend on the number of threads or their timing (bit-identical runs).
 *
 * <p>Precision: the dot products and the running gradient are float32 over at most
 * {@link CpuTuning#ROWS_PER_CHUNK} rows, then folded into double block partials; the reduction, the
 * parameters and the optimizer state are double. Each row's loss and residual are double on the
 * array paths ({@link RowLoss}); on the vector paths (logistic rows narrower than
 * {@link CpuTuning#ONE_ROW_FROM_FEATURES} through {@link LaneMath#logisticLanes}, linear rows in
 * {@link RegisterKernels#narrowBlock}) they are float32, and a chunk's losses and residual sums are
 * summed in float32 lanes, then in double. Float32 rounding therefore grows with the chunk length, not
 * with n.
 *
 * <p>Scratch space is sized at upload, and the steady-state step allocates nothing. On JDK 17 that
 * also needs {@link VectorProfiles}, run once per process before the first vector code: without it,
 * about half of the processes compiled some kernel with a vector store that did not intrinsify,
 * and allocated on every row or every eight rows.
 *
 * <p>A fresh JVM runs each kernel family's {@link ScalarTwins scalar twin}, which gives the same bits,
 * until trials show the vector code compiled and faster ({@link KernelWarmUp}).
 */
public final class CpuBackend implements Backend, ModelSetSums {
    private final int threads;
    private final WorkerPool pool;

    /** The dense pass, or null for sparse data. */
    private CpuPass pass;
    /** The sparse pass, or null for dense data. */
    private SparsePass sparsePass;
    /** The float64 pass, or null for float32 data. */
    private Float64Pass float64Pass;
    private int rows;
    private int features;
    private int outputs;
    private double weightSum;
    private float[] sampleWeights;
    /** The uploaded rows, for the model-set pass, made on its first use. */
    private Dataset data;
    private ModelSetPass modelSetPass;
    private Problem problem;
    private int lossCode;
    private ParameterUpdate update;

    private double[] parameters;
    private double[] saved;
    /** The last step's gradient (of the smooth part, divided by S'), in original coordinates. */
    private double[] gradient;
    private float[] weightsF;
    private float[] interceptsF;
    private float[] gramWeights;
    private float[] gramIntercept;
    private double[] gramSums;

    private double lastObjective = Double.NaN;
    private double lastGradientNorm = Double.NaN;
    private double objectiveSum;
    private boolean closed;

    /** Available on every JVM: without jdk.incubator.vector it runs scalar code ({@link VectorSupport}). */
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
        public boolean takesSparse() {
            return true;
        }

        @Override
        public boolean takesFloat64() {
            return true;
        }

        @Override
        public boolean eligibleForAuto() {
            return true;
        }

        @Override
        public Backend create() {
            return new CpuBackend(Runtime.getRuntime().availableProcessors());
        }

        @Override
        public Backend create(int threads) {
            return new CpuBackend(threads);
        }
    }

    public CpuBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = new WorkerPool(threads, "descent-cpu");
    }

    private static String describe(int threads) {
        return threads + (threads == 1 ? " thread, " : " threads, ")
                + (VectorSupport.AVAILABLE ? CpuTuning.SPECIES.vectorBitSize() + "-bit float32 vectors, "
                        : "scalar float32 (no jdk.incubator.vector), ")
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB Java heap";
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return describe(threads) + (float64Pass != null ? ", float64 rows in double loops" : "");
    }

    @Override
    public void upload(Dataset data, Problem problemToSolve) {
        checkOpen();
        Backend.requireMatching(data, problemToSolve);
        this.problem = problemToSolve;
        if (pass != null) {
            pass.close();
        }
        boolean dense32 = !data.isSparse() && !data.isFloat64();
        this.pass = dense32 ? new CpuPass(data, problemToSolve, threads, pool) : null;
        this.sparsePass = data.isSparse() ? new SparsePass(data, problemToSolve, threads, pool) : null;
        this.float64Pass = data.isFloat64() ? new Float64Pass(data, problemToSolve, threads, pool) : null;
        this.modelSetPass = null;
        this.data = data;
        this.rows = data.rows();
        this.features = data.columns();
        this.outputs = problemToSolve.outputs();
        this.weightSum = data.sampleWeightSum();
        this.sampleWeights = data.sampleWeights();
        this.lossCode = problemToSolve.loss().kernelCode();
        this.update = new ParameterUpdate(problemToSolve);
        int parameterCount = problemToSolve.parameterCount();
        this.parameters = new double[parameterCount];
        this.saved = new double[parameterCount];
        this.gradient = new double[parameterCount];
        this.weightsF = new float[outputs * features];
        this.interceptsF = new float[outputs];
        this.gramWeights = new float[features];
        this.gramIntercept = new float[1];
        this.gramSums = new double[features + 1];
    }

    @Override
    public Problem problem() {
        return problem;
    }

    /** Dense float32 rows: the model-set pass runs on the softmax tiles' kernels. */
    @Override
    public boolean takesModelSets(Dataset rows) {
        return !rows.isSparse() && !rows.isFloat64();
    }

    @Override
    public void modelSetSums(ModelSet set, double[][] parameterSets, boolean[] active, DataTermSums[] out) {
        checkUploaded();
        if (pass == null || !problem.loss().pointwise()) {
            throw new IllegalStateException("the cpu backend's model sets need dense float32 rows and a one-output loss");
        }
        if (modelSetPass == null) {
            modelSetPass = new ModelSetPass(data, problem.loss(), problem.lossParameter(), pool);
        }
        modelSetPass.sums(set, parameterSets, active, out);
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
        // the batch's data term is an estimate of the full one's: divided by S' = batchSize * S / n
        double batchWeightSum = fullBatch ? weightSum : batchSize * weightSum / rows;
        double lossSum = dataPass(permutationKey, batchStart, batchSize, gradient);
        double inverse = 1.0 / batchWeightSum;
        for (int j = 0; j < gradient.length; j++) {
            gradient[j] *= inverse;
        }
        lastObjective = lossSum * inverse + problem.regularize(parameters, gradient);
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
        double lossSum = dataPass(permutationKey, batchStart, batchSize, out.gradient());
        out.setTotals(fullBatch ? weightSum
                : RowPermutation.weightTotal(sampleWeights, rows, permutationKey, batchStart, batchSize), lossSum);
    }

    /**
     * One pass of the loss over the batch at the current parameters: the weighted gradient sums into
     * {@code gradientSums} (not divided by S); returns the weighted loss sum.
     */
    private double dataPass(long permutationKey, int batchStart, int batchSize, double[] gradientSums) {
        if (float64Pass != null) {
            return float64Pass.lossPass(parameters, batchSize != rows, permutationKey, batchStart, batchSize, gradientSums);
        }
        if (sparsePass != null) {
            return sparsePass.lossPass(weightsF, interceptsF, batchSize != rows, permutationKey, batchStart, batchSize,
                    gradientSums);
        }
        pass.run(lossCode, outputs, weightsF, interceptsF, batchSize != rows, permutationKey, batchStart, batchSize);
        return pass.reducePartials(problem.parameterCount(), gradientSums);
    }

    @Override
    public void gramTimes(double[] vector, double[] out) {
        checkUploaded();
        double interceptValue = problem.intercept() ? vector[features] : 0;
        if (float64Pass != null) {
            float64Pass.gramPass(vector, interceptValue, gramSums);
        } else {
            for (int j = 0; j < features; j++) {
                gramWeights[j] = (float) vector[j];
            }
            if (sparsePass != null) {
                sparsePass.gramPass(gramWeights, interceptValue, gramSums);
            } else {
                gramIntercept[0] = (float) interceptValue;
                pass.run(RowLoss.PASS_GRAM, 1, gramWeights, gramIntercept, false, 0, 0, rows);
                pass.reducePartials(features + 1, gramSums);
            }
        }
        for (int j = 0; j < out.length; j++) {
            out[j] = gramSums[j] / weightSum;
        }
        if (!problem.intercept() && out.length > features) {
            // without an intercept its coordinate is not a parameter: the column of ones is left out, as the reference does
            out[features] = 0;
        }
    }

    /** Sparse (CSR) data runs {@link SparsePass}. */
    @Override
    public boolean takesSparse() {
        return true;
    }

    /** Float64 rows run {@link Float64Pass}. */
    @Override
    public boolean takesFloat64() {
        return true;
    }

    @Override
    public boolean warmedUp() {
        // the sparse and float64 passes are plain Java with nothing to warm up
        return pass == null || pass.settled(lossCode, outputs);
    }

    /** Whether the loss passes' blocks now run the vector kernels rather than their scalar twins ({@link KernelWarmUp}). */
    boolean vectorKernelsChosen() {
        checkUploaded();
        return pass != null && pass.vectorChosen(lossCode, outputs);
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
            if (pass != null) {
                pass.close();
            }
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
