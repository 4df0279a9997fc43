package dev.descent;

import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.ParameterUpdate;
import dev.descent.optim.Problem;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Configures and runs a fit. Every setting has a default chosen by measurement (see the README's
 * "Defaults" section), so {@code Fitter.of(ModelKind.LOGISTIC).fit(data)} is a complete call.
 *
 * <pre>{@code
 * FitResult result = Fitter.of(ModelKind.LOGISTIC)
 *         .optimizer(OptimizerKind.ADAM)
 *         .l2(1e-4)
 *         .maxEpochs(200)
 *         .fit(Dataset.of(x, y));
 * double[] labels = result.predict(Dataset.of(xNew, null));
 * }</pre>
 *
 * A Fitter is a mutable builder; {@link #fit} does not change it, so one Fitter can fit many data sets.
 */
public final class Fitter {
    /** Full batch, momentum 0.9 with Nesterov's look-ahead and lr = 1/L: fastest to the optimum in bench/defaults. */
    public static final OptimizerKind DEFAULT_OPTIMIZER = OptimizerKind.NESTEROV;
    public static final int DEFAULT_MAX_EPOCHS = 1000;
    /** Stop when the objective has made no relative progress larger than this for patience epochs. */
    public static final double DEFAULT_TOLERANCE = 1e-7;
    public static final int DEFAULT_PATIENCE = 5;
    /** Stop when the gradient (mapping) norm falls to this; 0 turns the rule off. */
    public static final double DEFAULT_GRADIENT_TOLERANCE = 1e-6;
    /**
     * "keeps rising": this many consecutive rises that end above the starting objective is divergence.
     * Rises below the start are left alone: an adaptive rule at a constant rate hovers near the optimum.
     */
    static final int RISE_PATIENCE = 10;
    /** Power iteration for the largest eigenvalue stops when it changes by less than this, relatively. */
    static final double POWER_ITERATION_TOLERANCE = 1e-4;
    static final int POWER_ITERATION_LIMIT = 100;
    /** The start vector of the power iteration has a fixed seed, so the auto learning rate does not depend on the fit's seed. */
    private static final long POWER_ITERATION_SEED = 0x5EED;
    /** More classes than this in a softmax fit is almost certainly a regression target passed by mistake. */
    static final int MAX_CLASSES = 10_000;
    /** Scale of the seeded random start: small, so the first steps see nearly the zero model's gradient. */
    static final double RANDOM_INIT_SCALE = 0.01;

    /** How the learning rate changes over epochs. */
    public enum Schedule {
        /** lr_e = lr_0. */
        CONSTANT,
        /** lr_e = lr_0 / (1 + decay * e). */
        INVERSE_TIME
    }

    /** Called after every epoch, on the fitting thread. */
    @FunctionalInterface
    public interface EpochListener {
        void onEpoch(int epoch, double objective, double gradientNorm, double learningRate);
    }

    private final ModelKind model;
    private Optimizer optimizer = Optimizer.of(DEFAULT_OPTIMIZER);
    private double learningRate = Double.NaN;
    private Schedule schedule = Schedule.CONSTANT;
    private double decay;
    private int batchSize;
    private int maxEpochs = DEFAULT_MAX_EPOCHS;
    private double tolerance = DEFAULT_TOLERANCE;
    private int patience = DEFAULT_PATIENCE;
    private double gradientTolerance = DEFAULT_GRADIENT_TOLERANCE;
    private double l2;
    private double l1;
    private boolean intercept = true;
    private long seed;
    private boolean randomInit;
    private boolean precondition = true;
    private String backend = "auto";
    private EpochListener listener;

    private Fitter(ModelKind model) {
        this.model = model;
    }

    public static Fitter of(ModelKind model) {
        if (model == null) {
            throw new InvalidInputException("model kind must not be null");
        }
        return new Fitter(model);
    }

    public Fitter optimizer(OptimizerKind kind) {
        return optimizer(Optimizer.of(kind));
    }

    public Fitter optimizer(Optimizer value) {
        if (value == null) {
            throw new InvalidInputException("optimizer must not be null");
        }
        this.optimizer = value;
        return this;
    }

    /** A fixed initial learning rate (> 0). */
    public Fitter learningRate(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidInputException("learning rate must be positive and finite, got " + value);
        }
        this.learningRate = value;
        return this;
    }

    /** The default: 1/L from the data (see the README's "Learning rate"). */
    public Fitter autoLearningRate() {
        this.learningRate = Double.NaN;
        return this;
    }

    public Fitter schedule(Schedule value, double decayPerEpoch) {
        if (value == null) {
            throw new InvalidInputException("schedule must not be null");
        }
        if (!(decayPerEpoch >= 0) || !Double.isFinite(decayPerEpoch)) {
            throw new InvalidInputException("decay must be non-negative and finite, got " + decayPerEpoch);
        }
        this.schedule = value;
        this.decay = decayPerEpoch;
        return this;
    }

    /** Rows per step: 0 (the default) is the full batch, 1 is SGD. Must not exceed the rows. */
    public Fitter batchSize(int rows) {
        if (rows < 0) {
            throw new InvalidInputException("batch size must be at least 1 (or 0 for the full batch), got " + rows);
        }
        this.batchSize = rows;
        return this;
    }

    public Fitter maxEpochs(int value) {
        if (value < 1) {
            throw new InvalidInputException("max epochs must be at least 1, got " + value);
        }
        this.maxEpochs = value;
        return this;
    }

    /** Relative improvement that counts as progress; 0 turns the rule off. */
    public Fitter tolerance(double value) {
        requireNonNegative("tolerance", value);
        this.tolerance = value;
        return this;
    }

    public Fitter patience(int epochs) {
        if (epochs < 1) {
            throw new InvalidInputException("patience must be at least 1 epoch, got " + epochs);
        }
        this.patience = epochs;
        return this;
    }

    public Fitter gradientTolerance(double value) {
        requireNonNegative("gradient tolerance", value);
        this.gradientTolerance = value;
        return this;
    }

    public Fitter l2(double value) {
        requireNonNegative("l2", value);
        this.l2 = value;
        return this;
    }

    public Fitter l1(double value) {
        requireNonNegative("l1", value);
        this.l1 = value;
        return this;
    }

    public Fitter intercept(boolean fit) {
        this.intercept = fit;
        return this;
    }

    public Fitter seed(long value) {
        this.seed = value;
        return this;
    }

    /** Start from small seeded random weights instead of zeros. */
    public Fitter randomInit(boolean value) {
        this.randomInit = value;
        return this;
    }

    /**
     * Whether the optimizer works in standardized coordinates (the default): each feature centred
     * (with an intercept) and scaled to unit curvature (its spread and the ridge together) by an exact
     * change of variables, so the objective,
     * its optimum and the reported weights are unchanged and only the path is faster on badly scaled
     * data. See {@link dev.descent.optim.ParameterUpdate}. Off: plain steps on the raw features.
     */
    public Fitter precondition(boolean value) {
        this.precondition = value;
        return this;
    }

    /** "auto" (the default), "cpu", "reference", or another name from {@code descent devices}. */
    public Fitter backend(String name) {
        this.backend = name;
        return this;
    }

    public Fitter listener(EpochListener value) {
        this.listener = value;
        return this;
    }

    /** Fits on rows of features and their labels. */
    public FitResult fit(double[][] x, double[] y) {
        return fit(Dataset.of(x, y));
    }

    /**
     * Fits on a data set with labels (and optional sample weights). An interrupt of the calling thread
     * stops the fit at the next step boundary with status {@link FitStatus#INTERRUPTED} and the best
     * weights so far; the thread's interrupt flag is set again on return.
     */
    public FitResult fit(Dataset data) {
        long start = System.nanoTime();
        if (data == null || !data.hasLabels()) {
            throw new InvalidInputException("fitting needs labels: the data set has none");
        }
        int rows = data.rows();
        int batch = batchSize == 0 ? rows : batchSize;
        if (batch > rows) {
            throw new InvalidInputException("batch size " + batchSize + " is larger than the " + rows + " rows of the data");
        }
        double[] classes = classesOf(data.labels());
        Dataset training = model == ModelKind.SOFTMAX ? data.withLabels(classIndices(data.labels(), classes)) : data;
        int outputs = model == ModelKind.SOFTMAX ? classes.length : 1;
        double[][] moments = precondition ? featureMoments(data) : new double[2][];
        Problem problem = new Problem(model, outputs, data.columns(), intercept, l2, l1, optimizer, moments[0], moments[1]);

        Backends.Selection selection = Backends.open(backend);
        FitResult result;
        try (Backend device = selection.backend()) {
            device.upload(training, problem);
            double initialRate = Double.isNaN(learningRate) ? autoLearningRate(device, training, problem, batch) : learningRate;
            double[] initial = initialParameters(problem);
            device.setParameters(initial);
            device.checkpoint();
            result = new Run(device, selection, problem, classes, initial, initialRate, batch, rows, start).execute();
        }
        if (result.status() == FitStatus.INTERRUPTED) {
            // the fit consumed the interrupt to finish cleanly; the caller's thread keeps it, as is the custom
            Thread.currentThread().interrupt();
        }
        return result;
    }

    private static String interruptedReason(int epochs) {
        return "interrupted after " + epochs + " epoch" + (epochs == 1 ? "" : "s");
    }

    /** The loop of one fit: epochs, batches, stopping and divergence rules. */
    private final class Run {
        private final Backend device;
        private final Backends.Selection selection;
        private final Problem problem;
        private final double[] classes;
        private final double[] initial;
        private final double initialRate;
        private final int batch;
        private final int rows;
        private final long start;

        Run(Backend device, Backends.Selection selection, Problem problem, double[] classes, double[] initial,
            double initialRate, int batch, int rows, long start) {
            this.device = device;
            this.selection = selection;
            this.problem = problem;
            this.classes = classes;
            this.initial = initial;
            this.initialRate = initialRate;
            this.batch = batch;
            this.rows = rows;
            this.start = start;
        }

        FitResult execute() {
            // grown as epochs pass: memory follows the epochs run, not the limit (which may be huge)
            double[] history = new double[Math.min(maxEpochs, 1024)];
            double[] stepNanos = new double[history.length];
            long firstStepEnd = 0;
            long steps = 0;
            double best = Double.POSITIVE_INFINITY;
            int epochsWithoutProgress = 0;
            int rising = 0;
            double riseStart = 0;
            FitStatus status = FitStatus.MAX_EPOCHS;
            String reason = null;
            // Adaptive restart (O'Donoghue and Candes, 2015): when the full-batch objective rises, momentum
            // has overshot; dropping the velocity keeps the acceleration without the oscillation.
            boolean restartsMomentum = batch == rows
                    && (optimizer.kind() == OptimizerKind.MOMENTUM || optimizer.kind() == OptimizerKind.NESTEROV);
            int epoch = 0;
            while (epoch < maxEpochs && reason == null) {
                if (Thread.interrupted()) {
                    status = FitStatus.INTERRUPTED;
                    reason = interruptedReason(epoch);
                    break;
                }
                double rate = schedule == Schedule.CONSTANT ? initialRate : initialRate / (1 + decay * epoch);
                long epochStart = System.nanoTime();
                double objective;
                double gradientNorm = Double.NaN;
                if (batch == rows) {
                    device.step(0, 0, rows, rate);
                    objective = device.lastObjective();
                    gradientNorm = device.lastGradientNorm();
                    steps++;
                } else {
                    long key = dev.descent.backend.RowPermutation.epochKey(seed, epoch);
                    for (int first = 0; first < rows && status != FitStatus.INTERRUPTED; first += batch) {
                        if (Thread.interrupted()) {
                            status = FitStatus.INTERRUPTED;
                            reason = interruptedReason(epoch) + " (in the middle of an epoch, which is dropped)";
                            break;
                        }
                        device.step(key, first, Math.min(batch, rows - first), rate);
                        steps++;
                    }
                    objective = device.takeObjectiveSum() / rows;
                }
                if (status == FitStatus.INTERRUPTED) {
                    break;
                }
                long now = System.nanoTime();
                if (epoch == 0) {
                    firstStepEnd = now;
                }
                if (epoch == history.length) {
                    history = Arrays.copyOf(history, (int) Math.min(maxEpochs, 2L * epoch));
                    stepNanos = Arrays.copyOf(stepNanos, history.length);
                }
                stepNanos[epoch] = (double) (now - epochStart) / ((rows + batch - 1) / batch);
                history[epoch] = objective;
                if (listener != null) {
                    listener.onEpoch(epoch, objective, gradientNorm, rate);
                }
                epoch++;

                if (!Double.isFinite(objective)) {
                    status = FitStatus.DIVERGED;
                    reason = "the objective became " + objective + " at epoch " + epoch + " with learning rate "
                            + format(rate) + "; try a smaller learning rate, e.g. " + format(rate / 10);
                    break;
                }
                if (epoch > 1 && objective > history[epoch - 2]) {
                    if (rising == 0) {
                        riseStart = history[epoch - 2];
                    }
                    rising++;
                    if (rising >= RISE_PATIENCE && objective > history[0]) {
                        status = FitStatus.DIVERGED;
                        reason = "the objective rose for " + rising + " epochs in a row, from " + format(riseStart) + " to "
                                + format(objective) + " (above its start, " + format(history[0]) + "), with learning rate "
                                + format(rate)
                                + "; try a smaller learning rate, e.g. " + format(rate / 10);
                        break;
                    }
                } else {
                    rising = 0;
                }
                if (restartsMomentum && epoch > 1 && objective > history[epoch - 2]) {
                    device.resetOptimizerState();
                }
                // Full batch: the objective moves deterministically, so progress is the change since the last
                // epoch (momentum may sit above its best while still descending). Mini-batch: the mean batch
                // objective is noisy, so progress is beating the best by tolerance (scikit-learn's rule).
                boolean progress = batch == rows
                        ? epoch == 1 || Math.abs(history[epoch - 2] - objective) > tolerance * Math.abs(objective)
                        : objective < best - tolerance * Math.abs(best);
                if (progress) {
                    epochsWithoutProgress = 0;
                } else if (++epochsWithoutProgress >= patience && tolerance > 0) {
                    status = FitStatus.CONVERGED;
                    reason = "the objective improved by less than " + format(tolerance) + " (relative) for " + patience
                            + " epochs";
                }
                if (objective < best) {
                    best = objective;
                    device.checkpoint();
                }
                if (reason == null && gradientNorm <= gradientTolerance) {
                    status = FitStatus.CONVERGED;
                    reason = "the gradient norm " + format(gradientNorm) + " fell to the tolerance " + format(gradientTolerance);
                }
            }
            if (reason == null) {
                reason = "reached the limit of " + maxEpochs + " epochs before the stopping rule was met";
            }
            if (status == FitStatus.DIVERGED || status == FitStatus.INTERRUPTED) {
                device.restoreCheckpoint();
                reason += "; returning the weights of the best epoch";
            }
            double[] parameters = device.readParameters();
            if (!allFinite(parameters)) {
                device.setParameters(initial);
                parameters = initial.clone();
                status = FitStatus.DIVERGED;
                reason += "; the weights were not finite, so the starting weights are returned";
            }
            double finalObjective = device.evaluate(null);
            double[] sortedTimes = Arrays.copyOf(stepNanos, epoch);
            Arrays.sort(sortedTimes);
            double median = sortedTimes.length == 0 ? Double.NaN : sortedTimes[sortedTimes.length / 2];
            return new FitResult(toModel(model, problem, classes, parameters), status, reason, epoch, steps,
                    Arrays.copyOf(history, epoch), finalObjective, device.name(), device.device(),
                    selection.explanation(), median / 1e6, (firstStepEnd - start) / 1e6, initialRate, optimizer, batch, seed);
        }
    }

    /**
     * lr = 1/L for the full batch, L = c * lambda_max((1/S) X1^T S X1) + l2, where lambda_max comes from
     * power iteration on the backend and c is the loss's curvature bound, both in the optimizer's
     * (standardized) coordinates, where the ridge's curvature is at most l2 / min_j s_j^2. For a mini-batch of B rows the
     * "expected smoothness" of Gower et al. (2019) interpolates between L (B = n) and the largest
     * per-row constant L_max (B = 1): L_B = (n - B) / (B (n - 1)) L_max + n (B - 1) / (B (n - 1)) L.
     * The adaptive rules normalize the step per coordinate, so for them lr is a step length, not
     * 1/L: {@link #adaptiveAutoRate}.
     */
    double autoLearningRate(Backend device, Dataset data, Problem problem, int batch) {
        if (optimizer.kind().isAdaptive()) {
            return adaptiveAutoRate(optimizer.kind());
        }
        double c = problem.loss().curvatureBound(problem.lossParameter());
        // In the optimizer's coordinates the ridge term (l2/2) sum (w'_j / s_j)^2 has curvature l2 / s_j^2.
        double ridge = l2;
        if (problem.featureScale() != null) {
            for (double scale : problem.featureScale()) {
                ridge = Math.max(ridge, l2 / (scale * scale));
            }
        }
        double smoothness = c * largestEigenvalue(device, problem) + ridge;
        int rows = data.rows();
        if (batch < rows) {
            double rowSmoothness = c * largestRowNorm(data, problem) + ridge;
            smoothness = (double) (rows - batch) / ((double) batch * (rows - 1)) * rowSmoothness
                    + (double) rows * (batch - 1) / ((double) batch * (rows - 1)) * smoothness;
        }
        double rate = smoothness > 0 ? 1 / smoothness : 1.0;
        // With noisy gradients, momentum's velocity multiplies the step by up to 1 / (1 - mu) and the
        // noise with it; scaling by (1 - mu) gives the effective step of plain SGD at 1/L_B.
        if (batch < rows && optimizer.kind() != OptimizerKind.GD) {
            rate *= 1 - optimizer.momentum();
        }
        return rate;
    }

    /**
     * The auto learning rate of the adaptive rules, whose steps are about lr per coordinate: Adam and
     * RMSProp at 0.01 (a tenth of a standardized feature's unit), AdaGrad, whose steps shrink as its
     * accumulator grows, at 0.5. Chosen in bench/defaults.
     */
    static double adaptiveAutoRate(OptimizerKind kind) {
        return kind == OptimizerKind.ADAGRAD ? 0.5 : 0.01;
    }

    /**
     * lambda_max of the Gram matrix in the optimizer's coordinates, T^T G T, by power iteration; each
     * product is one pass over X on the backend.
     */
    private static double largestEigenvalue(Backend device, Problem problem) {
        int d = problem.features();
        Problem single = new Problem(problem.loss(), 1, d, true, 0, 0, problem.optimizer(), problem.featureMean(),
                problem.featureScale(), problem.lossParameter());
        double[] v = new double[d + 1];
        double[] original = new double[d + 1];
        double[] product = new double[d + 1];
        SplittableRandom random = new SplittableRandom(POWER_ITERATION_SEED);
        for (int j = 0; j <= d; j++) {
            v[j] = j < d || problem.intercept() ? random.nextDouble(-1, 1) : 0;
        }
        normalize(v);
        double eigenvalue = 0;
        for (int iteration = 0; iteration < POWER_ITERATION_LIMIT; iteration++) {
            ParameterUpdate.toOriginal(single, v, original);
            device.gramTimes(original, product);
            if (!problem.intercept()) {
                product[d] = 0;
            }
            ParameterUpdate.transposeToScaled(single, product, v);
            double estimate = normalize(v);
            if (estimate == 0 || Math.abs(estimate - eigenvalue) <= POWER_ITERATION_TOLERANCE * estimate) {
                return estimate;
            }
            eigenvalue = estimate;
        }
        return eigenvalue;
    }

    /**
     * The change of variables of {@link #precondition}: per feature, the weighted mean (with an
     * intercept; otherwise none) and the scale sqrt(s_j^2 + l2 / c), s_j the weighted standard
     * deviation about that mean (root mean square without an intercept); 1 where that is 0.
     * Returns {mean or null, scale}.
     */
    private double[][] featureMoments(Dataset data) {
        int n = data.rows();
        int d = data.columns();
        float[] x = data.features();
        float[] s = data.sampleWeights();
        double weightSum = data.sampleWeightSum();
        double[] mean = new double[d];
        double[] square = new double[d];
        for (int i = 0; i < n; i++) {
            double weight = s == null ? 1 : s[i];
            for (int j = 0; j < d; j++) {
                double value = x[i * d + j];
                mean[j] += weight * value;
                square[j] += weight * value * value;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] /= weightSum;
            double spread = Math.max(0, square[j] / weightSum - (intercept ? mean[j] * mean[j] : 0));
            // Jacobi on the Hessian's bound: coordinate j has curvature at most c s_j^2 + l2 (data plus
            // ridge); dividing by its square root makes every coordinate's bound c.
            double curvature = spread + l2 / model.loss().curvatureBound(model.loss().defaultParameter());
            scale[j] = curvature > 0 ? Math.sqrt(curvature) : 1;
        }
        return new double[][] {intercept ? mean : null, scale};
    }

    /** max_i (s_i n / S) ||x1_i||^2 in the optimizer's coordinates: the smoothness of the worst row's term. */
    private double largestRowNorm(Dataset data, Problem problem) {
        int d = data.columns();
        float[] x = data.features();
        float[] s = data.sampleWeights();
        double[] mean = problem.featureMean();
        double[] scale = problem.featureScale();
        double meanWeight = data.sampleWeightSum() / data.rows();
        double largest = 0;
        for (int i = 0; i < data.rows(); i++) {
            double norm = intercept ? 1 : 0;
            for (int j = 0; j < d; j++) {
                double value = (x[i * d + j] - (mean == null ? 0 : mean[j])) / (scale == null ? 1 : scale[j]);
                norm += value * value;
            }
            largest = Math.max(largest, norm * (s == null ? 1 : s[i] / meanWeight));
        }
        return largest;
    }

    private static double normalize(double[] v) {
        double norm = 0;
        for (double value : v) {
            norm += value * value;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= norm;
            }
        }
        return norm;
    }

    private double[] initialParameters(Problem problem) {
        double[] parameters = new double[problem.parameterCount()];
        if (randomInit) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int j = 0; j < problem.penalizedCount(); j++) {
                parameters[j] = RANDOM_INIT_SCALE * (random.nextDouble() * 2 - 1);
            }
        }
        return parameters;
    }

    /** The class labels the model predicts, checked against what the model kind accepts. */
    private double[] classesOf(float[] labels) {
        if (model == ModelKind.LINEAR) {
            return new double[0];
        }
        TreeSet<Double> distinct = new TreeSet<>();
        for (int i = 0; i < labels.length; i++) {
            if (model == ModelKind.LOGISTIC && labels[i] != 0 && labels[i] != 1) {
                throw new InvalidInputException("row index " + i + ", label: " + labels[i]
                        + " is not 0 or 1; logistic regression needs labels in {0, 1} (use softmax for more classes)");
            }
            if (distinct.add((double) labels[i]) && distinct.size() > MAX_CLASSES) {
                throw new InvalidInputException("softmax found more than " + MAX_CLASSES
                        + " distinct labels; is the label column a regression target?");
            }
        }
        if (distinct.size() < 2) {
            throw new InvalidInputException(model + " needs at least two classes, but every label is " + distinct.first());
        }
        return model == ModelKind.LOGISTIC ? new double[] {0, 1} : distinct.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static float[] classIndices(float[] labels, double[] classes) {
        float[] indices = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            indices[i] = Arrays.binarySearch(classes, labels[i]);
        }
        return indices;
    }

    private static LinearModel toModel(ModelKind model, Problem problem, double[] classes, double[] parameters) {
        int d = problem.features();
        double[][] weights = new double[problem.outputs()][];
        double[] intercepts = new double[problem.outputs()];
        for (int c = 0; c < problem.outputs(); c++) {
            weights[c] = Arrays.copyOfRange(parameters, c * d, (c + 1) * d);
            intercepts[c] = parameters[problem.penalizedCount() + c];
        }
        return new LinearModel(model, classes, weights, intercepts);
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new InvalidInputException(name + " must be non-negative and finite, got " + value);
        }
    }

    /** Every setting, so a log line is enough to repeat the fit. */
    @Override
    public String toString() {
        return "Fitter{model=" + model + ", optimizer=" + optimizer + ", learningRate="
                + (Double.isNaN(learningRate) ? "auto" : learningRate) + ", schedule=" + schedule + ", decay=" + decay
                + ", batchSize=" + (batchSize == 0 ? "full" : batchSize) + ", maxEpochs=" + maxEpochs + ", tolerance="
                + tolerance + ", patience=" + patience + ", gradientTolerance=" + gradientTolerance + ", l2=" + l2
                + ", l1=" + l1 + ", intercept=" + intercept + ", precondition=" + precondition + ", seed=" + seed
                + ", randomInit=" + randomInit + ", backend=" + backend + "}";
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }
}
