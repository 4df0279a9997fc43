package dev.descent;

import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.data.FeatureShift;
import dev.descent.fit.FitLoop;
import dev.descent.fit.HeldOut;
import dev.descent.fit.Labels;
import dev.descent.fit.LearningRate;
import dev.descent.fit.QuasiNewtonLoop;
import dev.descent.loss.Loss;
import dev.descent.optim.Coordinates;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import dev.descent.optim.Solver;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Configures and runs a fit. Every setting has a default chosen by measurement (see the README's
 * "Solvers, optimizers, ..." section): L-BFGS on the full batch (OWL-QN with l1), so
 * {@code Fitter.of(ModelKind.LOGISTIC).fit(data)} is a complete call; an update rule, a learning rate or
 * a mini-batch selects the first-order steps.
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
public final class Fitter implements Cloneable {
    /** The first-order rule: momentum 0.9 with Nesterov's look-ahead and lr = 1/L, fastest of them in bench/defaults. */
    public static final OptimizerKind DEFAULT_OPTIMIZER = OptimizerKind.NESTEROV;
    public static final int DEFAULT_MAX_EPOCHS = 1000;
    /** Stop when the objective has made no relative progress larger than this for patience epochs. */
    public static final double DEFAULT_TOLERANCE = 1e-7;
    public static final int DEFAULT_PATIENCE = 5;
    /** Corrections L-BFGS keeps: the usual 10 (scikit-learn's and Spark MLlib's default too). */
    public static final int DEFAULT_LBFGS_HISTORY = 10;
    /**
     * The quasi-Newton solvers stop at this relative decrease of the objective in an iteration, or at
     * {@link #DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE} of the starting gradient, when no tolerance is set.
     */
    public static final double DEFAULT_QUASI_NEWTON_TOLERANCE = 1e-9;
    public static final double DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE = 1e-7;
    /** Stop when the gradient (mapping) norm falls to this; 0 turns the rule off. */
    public static final double DEFAULT_GRADIENT_TOLERANCE = 1e-6;
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
    /** The loss's parameter (Huber's delta); NaN for a loss without one. */
    private double lossParameter;
    private boolean intercept = true;
    private long seed;
    /** Null until set: then {@link #solverFor} chooses by the other settings. */
    private Solver solver;
    private int lbfgsHistory = DEFAULT_LBFGS_HISTORY;
    private boolean toleranceSet;
    private boolean gradientToleranceSet;
    private boolean optimizerSet;
    /** A model to start from (warm start), or null for zeros (or {@link #randomInit}). */
    private LinearModel initialModel;
    private boolean randomInit;
    private boolean precondition = true;
    private String backend = "auto";
    private int threads;
    /** Whether rows are weighted by class: by {@link #classWeights} when it is set, else balanced. */
    private boolean classWeighted;
    private java.util.Map<Double, Double> classWeights;
    private EpochListener listener;
    /** Held-out rows for early stopping, given or split off the data by {@link #validationFraction}; null: none. */
    private Dataset validation;
    private double validationFraction;

    private Fitter(ModelKind model) {
        this.model = model;
        this.lossParameter = model.loss().defaultParameter();
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
        this.optimizerSet = true;
        return this;
    }

    /** A fixed initial learning rate (> 0). */
    /**
     * How the fit moves: the fused first-order steps ({@link #optimizer}), L-BFGS, or OWL-QN for l1. The
     * quasi-Newton solvers take the full batch and no learning rate; {@link #maxEpochs} limits their
     * iterations and {@link #tolerance} is the relative decrease of the objective in one iteration at
     * which they stop ({@link #gradientTolerance}: the gradient relative to its start).
     */
    public Fitter solver(Solver value) {
        this.solver = java.util.Objects.requireNonNull(value, "solver");
        return this;
    }

    /** Corrections L-BFGS and OWL-QN keep (default {@value #DEFAULT_LBFGS_HISTORY}). */
    public Fitter lbfgsHistory(int corrections) {
        if (corrections < 1) {
            throw new InvalidInputException("the L-BFGS history must be at least 1, got " + corrections);
        }
        this.lbfgsHistory = corrections;
        return this;
    }

    /**
     * Starts the fit from an earlier model's weights and intercepts instead of zeros: a warm start for
     * regularization paths and refits. The model must be of this fit's kind, with the data's number of
     * features and, for a classifier, the same classes (checked by {@link #fit}); null goes back to zeros.
     */
    public Fitter initialModel(LinearModel model) {
        this.initialModel = model;
        return this;
    }

    public Fitter learningRate(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidInputException("learning rate must be positive and finite, got " + value);
        }
        this.learningRate = value;
        return this;
    }

    /** The default: 1/L from the data (docs/solvers.md, "Learning rate"). */
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
        this.toleranceSet = true;
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
        this.gradientToleranceSet = true;
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

    /**
     * Huber's delta (> 0, default 1): residuals within delta of the fit count squared, larger ones linearly,
     * in the labels' units. Only a {@link ModelKind#HUBER} fit takes it.
     */
    public Fitter delta(double value) {
        if (model != ModelKind.HUBER) {
            throw new InvalidInputException("delta is huber's parameter; " + model + " models take none");
        }
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidInputException("delta must be positive and finite, got " + value);
        }
        this.lossParameter = value;
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

    /**
     * Weights rows by their class, multiplied into any sample weights: {@code weights} maps a label to its
     * weight (classes it does not name weigh 1). For classifiers; see {@link #balancedClassWeights()}.
     */
    public Fitter classWeights(java.util.Map<Double, Double> weights) {
        this.classWeights = java.util.Map.copyOf(weights);
        this.classWeighted = true;
        return this;
    }

    /**
     * Weights each row by n / (k * count of its class), as scikit-learn's class_weight="balanced": every
     * class weighs the same in total, and the weights still sum to n.
     */
    public Fitter balancedClassWeights() {
        this.classWeights = null;
        this.classWeighted = true;
        return this;
    }

    /** At most this many threads for the cpu backend's passes (default 0: every core), for programs that share the machine. */
    public Fitter threads(int count) {
        if (count < 0) {
            throw new InvalidInputException("threads must be 0 (every core) or more, got " + count);
        }
        this.threads = count;
        return this;
    }

    /**
     * Early stopping on held-out rows: after every epoch (or quasi-Newton iteration) the mean loss of
     * {@code heldOut} (labelled like the training data, with its classes) is computed at the current
     * weights; when it has not improved for {@link #patience} epochs or iterations the fit stops with
     * {@link FitStatus#EARLY_STOPPED}, and in every case the weights with the lowest held-out loss are
     * returned ({@link FitResult#heldOutLoss()}). Null: no early stopping.
     */
    public Fitter validation(Dataset heldOut) {
        this.validation = heldOut;
        this.validationFraction = 0;
        return this;
    }

    /**
     * As {@link #validation(Dataset)}, on a fraction of the fit's rows (0 < fraction < 1) chosen at random
     * by the {@link #seed} and left out of the training; 0 turns early stopping off.
     */
    public Fitter validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new InvalidInputException("the validation fraction must be at least 0 and below 1, got " + fraction);
        }
        this.validationFraction = fraction;
        this.validation = null;
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
        Dataset heldOutRows = validation;
        if (validationFraction > 0) {
            Dataset[] parts = split(data, validationFraction, seed);
            data = parts[0];
            heldOutRows = parts[1];
        }
        int rows = data.rows();
        int batch = batchSize == 0 ? rows : batchSize;
        if (batch > rows) {
            throw new InvalidInputException("batch size " + batchSize + " is larger than the " + rows + " rows of the data");
        }
        Solver chosen = solverFor(batch, rows);
        requireSolverFits(chosen, batch, rows);
        Loss loss = model.loss();
        Prepared prepared = prepare(data);
        if (heldOutRows != null) {
            heldOutRows = classWeighted(heldOutRows);
        }
        Dataset training = prepared.training();
        double[] classes = prepared.classes();
        // X may be held as x - shift (FeatureShift): the fit runs on X as held, its held-out rows held alike
        double[] shift = training.featureShift();
        Dataset heldOutTraining = heldOutRows == null ? null
                : heldAlike(heldOutLabels(heldOutRows, loss, classes, prepared.relabel(), data.columns()), training);
        Problem problem = problemFor(prepared, l2, l1);

        Backends.Selection selection = Backends.open(backend, threads, training);
        String explanation = selection.explanation();
        if (data.isFloat64() && !training.isFloat64()) {
            explanation += "; it takes float32 rows, so the float64 data was rounded to float32";
        }
        if (training.isSparse() && !selection.backend().takesSparse()) {
            training = densified(training, selection);
            explanation += "; it takes dense rows, so the sparse data was made dense";
        }
        FitLoop.Outcome outcome;
        double initialRate;
        String backendName;
        String device;
        double uploadMillis;
        double[] heldOutLoss;
        try (Backend instance = selection.backend();
             HeldOut heldOut = heldOutTraining == null ? null : heldOut(heldOutTraining, problem)) {
            instance.upload(training, problem);
            uploadMillis = (System.nanoTime() - start) / 1e6;
            double[] initial = initialParameters(problem, classes, shift);
            if (chosen == Solver.FIRST_ORDER) {
                initialRate = Double.isNaN(learningRate) ? LearningRate.auto(instance, training, problem, batch) : learningRate;
                double rate = initialRate;
                instance.setParameters(initial);
                instance.checkpoint();
                FitLoop.Settings settings = new FitLoop.Settings(maxEpochs, tolerance, patience, gradientTolerance, batch,
                        seed, epoch -> schedule == Schedule.CONSTANT ? rate : rate / (1 + decay * epoch), listener, heldOut);
                outcome = new FitLoop(instance, settings).run(initial, start);
            } else {
                initialRate = Double.NaN;
                QuasiNewtonLoop.Settings settings = new QuasiNewtonLoop.Settings(maxEpochs,
                        toleranceSet ? tolerance : DEFAULT_QUASI_NEWTON_TOLERANCE,
                        gradientToleranceSet ? gradientTolerance : DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE, lbfgsHistory,
                        listener, heldOut);
                outcome = new QuasiNewtonLoop(instance, settings).run(initial, start);
            }
            backendName = instance.name();
            device = instance.device();
            heldOutLoss = heldOut == null ? new double[0] : heldOut.history();
        }
        if (outcome.status() == FitStatus.INTERRUPTED) {
            // the fit consumed the interrupt to finish cleanly; the caller's thread keeps it, as is the custom
            Thread.currentThread().interrupt();
        }
        return new FitResult(FeatureShift.toOriginal(toModel(model, problem, classes, outcome.parameters()), shift),
                outcome.status(), outcome.reason(), outcome.epochs(), outcome.steps(), outcome.history(), outcome.objective(),
                backendName, device, explanation, outcome.medianStepMillis(), uploadMillis, outcome.firstStepMillis(), initialRate,
                optimizer, chosen,
                batch, seed, heldOutLoss);
    }

    /**
     * One fit per l2 value (increasing; the l1 set here applies to all), each to its own optimum by lbfgs (owlqn
     * with l1), in the grid's order. On the cpu backend (dense rows) and the reference backend the fits share every
     * pass over X: each pass evaluates every fit still running at its own weights, and each stops on its own rules.
     * On the other backends they run one after the other, each from the previous optimum.
     */
    public List<FitResult> path(Dataset data, double... l2Values) {
        return ManyModels.path(this, data, ManyModels.Penalty.L2, l2Values);
    }

    /** As {@link #path}, over l1 values (increasing) at the l2 set here: a lasso or elastic-net path, by owlqn. */
    public List<FitResult> l1Path(Dataset data, double... l1Values) {
        return ManyModels.path(this, data, ManyModels.Penalty.L1, l1Values);
    }

    /**
     * One binary model of this Fitter's kind (logistic or svm) per class, each against the rest, for three or more
     * classes: the result's model has a row of weights per class and predicts the class of highest score (logistic:
     * probabilities are the k sigmoids normalized, as scikit-learn's one-vs-rest). With lbfgs or owlqn on the full
     * batch (the default) on the cpu (dense rows) or reference backend, the k models share every pass over X and
     * their 1/0 labels are made in the pass; otherwise they are fitted one after the other, with these settings.
     * The result's status is the worst of the k, its objective their sum.
     */
    public FitResult oneVsRest(Dataset data) {
        return ManyModels.oneVsRest(this, data);
    }

    /**
     * K-fold cross-validation of l2 values (increasing): the rows go to {@code folds} folds at random by the
     * {@link #seed}; for every value, one fit per fold on the other folds' rows, scored by its mean loss on its
     * fold; then the value of lowest mean held-out loss is fitted on every row. The folds are weights on the
     * uploaded rows, not copies: on the cpu and reference backends every fit of every value shares each pass.
     */
    public CrossValidation crossValidate(Dataset data, int folds, double... l2Values) {
        return ManyModels.crossValidate(this, data, folds, l2Values);
    }

    /**
     * The training rows as the kernels take them (class indices; 0/1 for a binary loss), their classes, the outputs,
     * and the features' weighted sums and squares for preconditioning (null when it is off), taken once for every
     * problem on these rows.
     */
    record Prepared(Dataset training, double[] classes, boolean relabel, int outputs, double[][] moments) {
    }

    /** The rows with the class weights multiplied into their sample weights, when there are class weights. */
    private Dataset classWeighted(Dataset data) {
        if (!classWeighted) {
            return data;
        }
        if (!model.classifies()) {
            throw new InvalidInputException("class weights are for classifiers; a " + model + " model has no classes");
        }
        return data.withSampleWeights(Labels.classWeighted(data.labels(), data.sampleWeights(), classWeights));
    }

    /**
     * The rows as this fit can take them: float64 only on a backend that takes it, else rounded to float32
     * ({@link Dataset#toFloat32()}); held as x - shift only with an intercept, which absorbs the shift
     * (w . x + b = w . (x - shift) + b - w . shift); without one, held as they are ({@link FeatureShift}).
     */
    private Dataset heldForThisFit(Dataset data) {
        Dataset held = data.isFloat64() && !Backends.takesFloat64(backend) ? data.toFloat32() : data;
        return intercept ? held : held.unshifted();
    }

    /** Class weights applied, labels checked and mapped to what the kernels take. */
    Prepared prepare(Dataset data) {
        data = classWeighted(heldForThisFit(data));
        Loss loss = model.loss();
        double[] classes = Labels.classes(loss, data.labels());
        boolean classIndices = loss.labels() == Loss.Labels.CLASS_INDEX;
        // the kernels take class indices, and a binary loss 0 or 1: -1/+1 labels become 0/1, and predict maps back
        boolean relabel = classIndices || loss.labels() == Loss.Labels.BINARY && classes[0] != 0;
        Dataset training = relabel ? data.withLabels(Labels.classIndices(data.labels(), classes)) : data;
        return new Prepared(training, classes, relabel, classIndices ? classes.length : 1,
                precondition ? Coordinates.moments(training) : null);
    }

    /**
     * The rows of a one-vs-rest fit: class weights applied, labels the class indices 0..k-1 of at least three
     * classes (the pass makes each class's 1/0 labels); one output, the binary loss's.
     */
    Prepared prepareOneVsRest(Dataset data) {
        data = classWeighted(heldForThisFit(data));
        double[] classes = Labels.classes(Loss.SOFTMAX, data.labels());
        if (classes.length < 3) {
            throw new InvalidInputException("one-vs-rest is for three or more classes; the labels have "
                    + classes.length + ": fit the " + model + " model itself");
        }
        Dataset training = data.withLabels(Labels.classIndices(data.labels(), classes));
        return new Prepared(training, classes, true, 1, precondition ? Coordinates.moments(training) : null);
    }

    /** Whether the settings are lbfgs or owlqn on the full batch from zero, without held-out rows: what shared passes take. */
    boolean quasiNewtonFullBatch(int rows) {
        return sharedPassObstacle(rows) == null;
    }

    /** Why these settings cannot fit models of {@code rows} rows on shared passes, or null when they can. */
    private String sharedPassObstacle(int rows) {
        if (batchSize != 0 && batchSize != rows || solver == Solver.FIRST_ORDER || optimizerSet || !Double.isNaN(learningRate)) {
            return "paths and cross-validation run lbfgs (owlqn with l1) on the full batch: drop the first-order settings"
                    + " (solver, optimizer, learning rate, batch size)";
        }
        if (validation != null || validationFraction > 0) {
            return "paths and cross-validation take no validation rows: cross-validation holds out its own folds";
        }
        if (initialModel != null) {
            return "paths and cross-validation start from zero: drop the starting model";
        }
        return null;
    }

    /** The problem of the prepared rows at these penalties, in the optimizer's coordinates when preconditioned. */
    Problem problemFor(Prepared prepared, double l2Value, double l1Value) {
        Loss loss = model.loss();
        double[][] moments = prepared.moments() == null ? new double[2][]
                : Coordinates.preconditioning(prepared.moments()[0].clone(), prepared.moments()[1].clone(),
                        prepared.training().sampleWeightSum(), intercept, l2Value, loss.curvatureBound(lossParameter));
        return new Problem(loss, prepared.outputs(), prepared.training().columns(), intercept, l2Value, l1Value, optimizer,
                moments[0], moments[1], lossParameter);
    }

    /** The quasi-Newton loop's settings from this Fitter's limits and tolerances (no listener, no held-out rows). */
    QuasiNewtonLoop.Settings quasiNewtonSettings() {
        return new QuasiNewtonLoop.Settings(maxEpochs, toleranceSet ? tolerance : DEFAULT_QUASI_NEWTON_TOLERANCE,
                gradientToleranceSet ? gradientTolerance : DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE, lbfgsHistory, null);
    }

    /** Refuses settings that many fits at once do not take: they run lbfgs or owlqn on the full batch. */
    void requireManyModelsFit(Dataset data) {
        if (data == null || !data.hasLabels()) {
            throw new InvalidInputException("fitting needs labels: the data set has none");
        }
        String obstacle = sharedPassObstacle(data.rows());
        if (obstacle != null) {
            throw new InvalidInputException(obstacle);
        }
    }

    ModelKind model() {
        return model;
    }

    double l2() {
        return l2;
    }

    double l1() {
        return l1;
    }

    long seed() {
        return seed;
    }

    double lossParameter() {
        return lossParameter;
    }

    Backends.Selection openBackend(Dataset rows) {
        return Backends.open(backend, threads, rows);
    }

    /** A copy of this Fitter with these penalties (the solver left to choose: owlqn with l1, else lbfgs). */
    Fitter copyWith(double l2Value, double l1Value) {
        Fitter copy;
        try {
            copy = (Fitter) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        copy.l2 = l2Value;
        copy.l1 = l1Value;
        copy.solver = null;
        return copy;
    }

    /** This Fitter without class weights (for rows that already carry them). */
    Fitter withoutClassWeights() {
        this.classWeighted = false;
        this.classWeights = null;
        return this;
    }

    /** A model's parameters as a backend takes them: the weights row by row, then the intercepts. */
    static double[] parametersOf(LinearModel fitted) {
        int d = fitted.features();
        int outputs = fitted.weights().length;
        double[] parameters = new double[outputs * d + outputs];
        for (int c = 0; c < outputs; c++) {
            System.arraycopy(fitted.weights()[c], 0, parameters, c * d, d);
            parameters[outputs * d + c] = fitted.intercepts()[c];
        }
        return parameters;
    }

    /**
     * The result of one model of a set, fitted by {@link QuasiNewtonLoop} on shared passes over rows held as
     * x - {@code shift} (null: as they are).
     */
    FitResult result(Problem problem, double[] classes, double[] shift, FitLoop.Outcome outcome, String backendName,
                     String device, String explanation, double uploadMillis) {
        return new FitResult(FeatureShift.toOriginal(toModel(model, problem, classes, outcome.parameters()), shift),
                outcome.status(), outcome.reason(),
                outcome.epochs(), outcome.steps(), outcome.history(), outcome.objective(), backendName, device, explanation,
                outcome.medianStepMillis(), uploadMillis, outcome.firstStepMillis(), Double.NaN, optimizer,
                problem.l1() > 0 ? Solver.OWLQN : Solver.LBFGS, 0, seed, new double[0]);
    }

    /** The permutation key of {@link #validationFraction}'s split: epoch -1, before any epoch a fit runs. */
    private static final int VALIDATION_SPLIT_EPOCH = -1;

    /** {data without the held-out rows, the held-out rows}: a fraction of the rows chosen at random by the seed. */
    private static Dataset[] split(Dataset data, double fraction, long seed) {
        int rows = data.rows();
        int held = (int) Math.round(fraction * rows);
        if (held < 1 || held >= rows) {
            throw new InvalidInputException("a validation fraction of " + fraction + " of " + rows + " rows leaves "
                    + (held < 1 ? "no row to validate on" : "no row to train on"));
        }
        // the first positions of the seed's row permutation (the mini-batches' own), under a key no epoch uses
        long key = RowPermutation.epochKey(seed, VALIDATION_SPLIT_EPOCH);
        int[] heldOut = new int[held];
        int[] kept = new int[rows - held];
        for (int p = 0; p < rows; p++) {
            int row = RowPermutation.row(key, rows, p);
            if (p < held) {
                heldOut[p] = row;
            } else {
                kept[p - held] = row;
            }
        }
        Arrays.sort(heldOut);
        Arrays.sort(kept);
        return new Dataset[] {data.select(kept), data.select(heldOut)};
    }

    /** The held-out rows with the labels the kernels take, refused when they do not fit the training data. */
    private static Dataset heldOutLabels(Dataset heldOut, Loss loss, double[] classes, boolean relabel, int columns) {
        if (!heldOut.hasLabels()) {
            throw new InvalidInputException("the validation data has no labels");
        }
        if (heldOut.columns() != columns) {
            throw new InvalidInputException("the validation data has " + heldOut.columns() + " features, the training data "
                    + columns);
        }
        if (loss.labels() == Loss.Labels.NON_NEGATIVE && Labels.firstNegativeLabel(heldOut.labels()) >= 0) {
            int row = Labels.firstNegativeLabel(heldOut.labels());
            throw new InvalidInputException("validation row " + row + " has label " + heldOut.labels()[row] + "; " + loss
                    + " regression needs labels >= 0");
        }
        if (loss.classifies()) {
            float[] labels = heldOut.labels();
            for (int i = 0; i < labels.length; i++) {
                if (Arrays.binarySearch(classes, labels[i]) < 0) {
                    throw new InvalidInputException("validation row " + i + " has label " + labels[i]
                            + ", not one of the training data's classes " + Arrays.toString(classes));
                }
            }
        }
        return relabel ? heldOut.withLabels(Labels.classIndices(heldOut.labels(), classes)) : heldOut;
    }

    /** The held-out rows on a backend of their own (the fit's backend choice), for early stopping. */
    private HeldOut heldOut(Dataset rows, Problem problem) {
        Backends.Selection selection = Backends.open(backend, threads, rows);
        Dataset uploadable = rows.isSparse() && !selection.backend().takesSparse() ? densified(rows, selection) : rows;
        try {
            selection.backend().upload(uploadable, problem);
        } catch (RuntimeException e) {
            selection.backend().close();
            throw e;
        }
        return new HeldOut(selection.backend(), patience);
    }

    /** Held-out rows held as {@code training} is: float64 as they are, or float32 at its shift ({@link FeatureShift}). */
    private static Dataset heldAlike(Dataset heldOut, Dataset training) {
        if (heldOut.isSparse() && !training.isShifted()) {
            return heldOut;
        }
        return training.isFloat64() ? heldOut.unshifted() : heldOut.dense().shiftedTo(training.featureShift());
    }

    /** Sparse data made dense for a backend that takes only dense rows; the backend is closed if that fails. */
    private static Dataset densified(Dataset sparse, Backends.Selection selection) {
        long bytes = 4L * sparse.rows() * sparse.columns();
        long available = dev.descent.data.HeapBudget.available();
        if (bytes > available) {
            selection.backend().close();
            throw new InvalidInputException(selection.backend().name() + " takes dense rows only: "
                    + dev.descent.data.HeapBudget.tooLarge(bytes, "this sparse data made dense", available)
                    + ", or use a backend that takes sparse data (cpu)");
        }
        try {
            return sparse.dense();
        } catch (InvalidInputException e) {
            selection.backend().close();
            throw new InvalidInputException(selection.backend().name() + " takes dense rows only, and " + e.getMessage()
                    + "; use a backend that takes sparse data (cpu)");
        }
    }

    /**
     * What will stop a fit of {@code rows} rows with these settings, for a display of its progress: the
     * solver, and the gradient norm at which it stops, absolute (first-order steps) or relative to the
     * start (the quasi-Newton solvers).
     */
    public record StoppingTarget(Solver solver, double gradientTolerance, boolean relativeToStart) {
    }

    /** The {@link StoppingTarget} of a fit of {@code rows} rows with the current settings. */
    public StoppingTarget stoppingTarget(int rows) {
        int batch = batchSize == 0 ? rows : batchSize;
        Solver chosen = solverFor(batch, rows);
        if (chosen == Solver.FIRST_ORDER) {
            return new StoppingTarget(chosen, gradientTolerance, false);
        }
        return new StoppingTarget(chosen, gradientToleranceSet ? gradientTolerance : DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE,
                true);
    }

    /**
     * The solver a fit uses: the one set, or by default L-BFGS (OWL-QN with l1) on the full batch, which
     * reached the best optimum on every problem of bench/results/2026-12-05-time-to-solution in 6-617
     * passes where the first-order steps stopped up to 0.63 above it; and the first-order steps when a
     * mini-batch, a learning rate or an update rule was asked for.
     */
    private Solver solverFor(int batch, int rows) {
        if (solver != null) {
            return solver;
        }
        if (batch != rows || !Double.isNaN(learningRate) || optimizerSet) {
            return Solver.FIRST_ORDER;
        }
        return l1 > 0 ? Solver.OWLQN : Solver.LBFGS;
    }

    /** Refuses a solver asked for what it cannot do, naming the option. */
    private void requireSolverFits(Solver solver, int batch, int rows) {
        if (solver == Solver.FIRST_ORDER) {
            if (Double.isNaN(learningRate) && !optimizer.kind().isAdaptive()
                    && Double.isInfinite(model.loss().curvatureBound(lossParameter))) {
                throw new InvalidInputException("the curvature of " + model + "'s loss has no bound, so no learning rate "
                        + "follows from the data: give one, use an adaptive rule (adam, adagrad or rmsprop), or the lbfgs "
                        + "solver (the default on the full batch)");
            }
            return;
        }
        if (batch != rows) {
            throw new InvalidInputException("the " + solver + " solver takes the full batch: drop the batch size ("
                    + batch + ") or use the first-order solver");
        }
        if (!Double.isNaN(learningRate)) {
            throw new InvalidInputException("the " + solver + " solver chooses its steps by line search: drop the learning rate ("
                    + learningRate + ") or use the first-order solver");
        }
        if (solver == Solver.LBFGS && l1 > 0) {
            throw new InvalidInputException("the lbfgs solver needs a smooth objective: with l1 (" + l1 + ") use owlqn");
        }
        if (solver == Solver.OWLQN && l1 == 0) {
            throw new InvalidInputException("the owlqn solver is for l1 and elastic net: set l1 > 0, or use lbfgs");
        }
    }

    /** The starting point, for rows held as x - {@code shift} (null: as they are). */
    private double[] initialParameters(Problem problem, double[] classes, double[] shift) {
        if (initialModel != null) {
            requireInitialModelFits(problem, classes);
            double[] parameters = parametersOf(FeatureShift.toStored(initialModel, shift));
            if (!problem.intercept()) {
                Arrays.fill(parameters, problem.penalizedCount(), parameters.length, 0.0);
            }
            return parameters;
        }
        double[] parameters = new double[problem.parameterCount()];
        if (randomInit) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int j = 0; j < problem.penalizedCount(); j++) {
                parameters[j] = RANDOM_INIT_SCALE * (random.nextDouble() * 2 - 1);
            }
        }
        return parameters;
    }

    /** Refuses a starting model that does not fit this problem, naming what differs. */
    private void requireInitialModelFits(Problem problem, double[] classes) {
        if (initialModel.kind() != model) {
            throw new InvalidInputException("the starting model is " + initialModel.kind() + ", but this fit is " + model);
        }
        if (initialModel.features() != problem.features()) {
            throw new InvalidInputException("the starting model has " + initialModel.features() + " features, but the data has "
                    + problem.features());
        }
        if (model.classifies() && !Arrays.equals(initialModel.classes(), classes)) {
            throw new InvalidInputException("the starting model's classes " + Arrays.toString(initialModel.classes())
                    + " are not the data's " + Arrays.toString(classes));
        }
        for (double[] row : initialModel.weights()) {
            for (double w : row) {
                if (!Double.isFinite(w)) {
                    throw new InvalidInputException("the starting model has a weight of " + w);
                }
            }
        }
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

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new InvalidInputException(name + " must be non-negative and finite, got " + value);
        }
    }

    /** Every setting, so a log line is enough to repeat the fit. */
    @Override
    public String toString() {
        return "Fitter{model=" + model + ", solver=" + (solver == null ? "auto" : solver) + ", lbfgsHistory=" + lbfgsHistory + ", optimizer=" + optimizer
                + ", learningRate="
                + (Double.isNaN(learningRate) ? "auto" : learningRate) + ", schedule=" + schedule + ", decay=" + decay
                + ", batchSize=" + (batchSize == 0 ? "full" : batchSize) + ", maxEpochs=" + maxEpochs + ", tolerance="
                + tolerance + ", patience=" + patience + ", gradientTolerance=" + gradientTolerance + ", l2=" + l2
                + ", l1=" + l1 + (Double.isNaN(lossParameter) ? "" : ", delta=" + lossParameter) + ", intercept=" + intercept + ", precondition=" + precondition + ", seed=" + seed
                + ", randomInit=" + randomInit + ", initialModel=" + (initialModel == null ? "none" : "given")
                + ", validation=" + (validation != null ? validation.rows() + " rows" : validationFraction > 0 ? validationFraction
                        + " of the rows" : "none") + ", backend=" + backend
                + "}";
    }
}
