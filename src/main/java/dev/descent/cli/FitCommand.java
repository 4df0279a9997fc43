package dev.descent.cli;

import dev.descent.CrossValidation;
import dev.descent.FitResult;
import dev.descent.FitStatus;
import dev.descent.Fitter;
import dev.descent.InvalidInputException;
import dev.descent.LinearModel;
import dev.descent.Metrics;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Standardization;
import dev.descent.fit.Labels;
import dev.descent.io.ModelFile;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Solver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code descent fit}: reads a data file, fits, writes the model (atomically), summarizes. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fits a model to a data file and writes it as JSON.",
            "Ctrl-C stops the fit at the next step and still writes the model, with the best weights so far.",
            "Exit codes: 0 converged or stopped early (--validation), or stopped by the epoch or iteration limit or a"
                + " stalled line search (a warning on stderr says how far from converged; with --strict these exit 1);"
                + " 1 diverged (the model is still written, with the best weights seen and its status); 2 bad usage or"
                + " bad input; 130 interrupted (the model is still written)."})
final class FitCommand implements Callable<Integer> {
    /** A progress bar appears only on fits that last longer than this. */
    static final long PROGRESS_AFTER_MILLIS = 1000;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training data.")
    Path train;

    @Option(names = "--format", paramLabel = "csv|libsvm|npy|npz", description = "Data format (default: from the file name; .npy, .npz, .svm/.libsvm, else csv).")
    String format;

    @Option(names = "--label", paramLabel = "COLUMN", description = "CSV label column (default: the last column).")
    String label;

    @Option(names = "--class-weight", paramLabel = "balanced|CLASS=W,...", description = "Weight rows by class (classifiers):"
            + " balanced (n / (classes x count), as scikit-learn's), or explicit weights such as 0=1,1=5 (others weigh 1);"
            + " multiplied into --weights.")
    String classWeight;

    @Option(names = "--no-header", description = "The CSV file has no header row: its columns are column1, column2, ...")
    boolean noHeader;

    @Option(names = "--precision", paramLabel = "single|double", description = "Hold dense CSV and .npy features in"
            + " float32 (single, the default) or float64 (double: the cpu and reference backends take it as it is, in"
            + " double loops; the others round it to float32).")
    String precision;

    @Option(names = "--delimiter", paramLabel = "C", description = "CSV field separator: one character, or tab"
            + " (default: a comma).")
    String delimiter;

    @Option(names = "--drop", paramLabel = "COLUMN", split = ",", splitSynopsisLabel = ",", description = "CSV columns to leave out (ids,"
            + " free text); the model does not have them.")
    List<String> drop;

    @Option(names = "--hash-features", paramLabel = "N", description = "Hash every CSV feature column into N sparse"
            + " features, as scikit-learn's FeatureHasher: a number counts under its column's name, any other value 1"
            + " under column=value; for categorical data and ids, no dictionary needed (names that collide share a"
            + " feature: take N well above the distinct values). Stored in the model for predict.")
    Integer hashFeatures;

    @Option(names = "--index-base", paramLabel = "auto|0|1", description = "LIBSVM feature indices start at 0 or 1"
            + " (default: auto, 0 when the file holds an index 0, else 1); stored in the model for predict.")
    String indexBase;

    @Option(names = "--labels", paramLabel = "FILE", description = "For .npy and .npz data: the .npy file of labels.")
    Path labels;

    @Option(names = "--weights", paramLabel = "COLUMN", description = "CSV column of sample weights.")
    String weights;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "What to fit: linear (least squares),"
            + " logistic, softmax, huber (regression robust to outliers, see --delta), poisson (counts, log link) or svm"
            + " (a linear support vector machine with the squared hinge).")
    String model;

    @Option(names = "--delta", paramLabel = "X", description = "For --model huber: residuals up to X count squared, larger"
            + " ones linearly, in the label's units (default: 1).")
    Double delta;

    @Option(names = "--solver", paramLabel = "first-order|lbfgs|owlqn", description = "How the fit moves: fused first-order "
            + "steps (--optimizer, --lr, --batch), L-BFGS, or OWL-QN for --l1 (full batch). Default: lbfgs (owlqn with --l1), "
            + "or first-order when --optimizer, --lr or --batch is given.")
    String solver;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "gd, momentum, nesterov, adagrad, rmsprop or adam: the first-order rule (default: nesterov).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "auto", paramLabel = "auto|X", description = "Learning rate (default: ${DEFAULT-VALUE}, 1/L from the data).")
    String learningRate;

    @Option(names = "--batch", defaultValue = "0", paramLabel = "N", description = "Rows per step; 0 is the full batch (default), 1 is SGD.")
    int batch;

    @Option(names = "--max-epochs", defaultValue = "" + Fitter.DEFAULT_MAX_EPOCHS, paramLabel = "N", description = "Epoch limit (default: ${DEFAULT-VALUE}).")
    int maxEpochs;

    @Option(names = "--tol", paramLabel = "X", description = "Relative progress below which the fit stops (default: "
            + Fitter.DEFAULT_TOLERANCE + " an epoch for first-order, " + Fitter.DEFAULT_QUASI_NEWTON_TOLERANCE
            + " an iteration for lbfgs and owlqn).")
    Double tolerance;

    @Option(names = "--l2", defaultValue = "0", split = ",", splitSynopsisLabel = ",", paramLabel = "X",
            description = "Ridge strength (default: 0); with --cv, increasing values to choose among.")
    double[] l2Values;

    @Option(names = "--cv", paramLabel = "K", description = "K-fold cross-validation of the --l2 values (rows to folds at"
            + " random by --seed): prints each value's held-out loss and writes the model of the lowest, fitted on every"
            + " row. On the cpu backend every fit of every value shares each pass over the data.")
    Integer cv;

    @Option(names = "--one-vs-rest", description = "For --model logistic or svm and three or more classes: one binary"
            + " model per class against the rest, which share each pass over the data on the cpu backend; predicts the"
            + " class of highest score.")
    boolean oneVsRest;

    @Option(names = "--out-all", paramLabel = "FOLDER", description = "With --cv: also write the model of every --l2"
            + " value, fitted on every row (one shared path), as FOLDER/l2-VALUE.json.")
    Path outAll;

    /** The l2 of the model written: the one given, or the one cross-validation chose. */
    private double l2;

    @Option(names = "--l1", defaultValue = "0", paramLabel = "X", description = "Lasso strength (default: 0).")
    double l1;

    @Option(names = "--no-intercept", description = "Fit no intercept.")
    boolean noIntercept;

    @Option(names = "--standardize", description = "Centre and scale the features (stored in the model; weights are then on the standardized scale)."
            + " Sparse data is scaled only, so that its zeros stay zeros.")
    boolean standardize;

    @Option(names = "--init", paramLabel = "MODEL.json", description = "Start from this model's weights (a warm start: "
            + "same model, features and classes, and --standardize as it was fitted).")
    Path init;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the mini-batch shuffles and of"
            + " the rows --validation holds out (default: 0).")
    long seed;

    @Option(names = "--validation", paramLabel = "FRACTION|FILE", description = "Early stopping on held-out rows: a fraction"
            + " of the training rows (0 < FRACTION < 1, chosen by --seed) or a second file in the training data's format."
            + " The fit stops when their loss has not improved for 5 epochs or iterations, and keeps the weights with the"
            + " lowest.")
    String validation;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME", description = "auto, cpu, reference, ... (see descent devices; default: auto).")
    String backend;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a PNG of the objective and the gradient norm per iteration or epoch, with where the fit stopped.")
    Path plot;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Threads for the cpu backend's passes (default: 0, every core).")
    int threads;

    @Option(names = "--strict", description = "Exit 1, not 0, when the fit stops before converging (epoch or"
            + " iteration limit, stalled line search); the model is still written.")
    boolean strict;

    @Option(names = "--quiet", description = "Print nothing but warnings and errors: no progress bar, no summary.")
    boolean quiet;

    @Option(names = "--out", required = true, paramLabel = "MODEL.json", description = "Where to write the model.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // --quiet: warnings and errors only (they go to stderr)
        PrintWriter console = quiet ? new PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getOut();
        // outputs are checked before the data is read, so that a typo fails at once, not after the fit
        Main.requireWritable("--out", out);
        Main.requireWritable("--plot", plot);
        ModelKind kind = ModelKind.parse(model);
        l2 = l2Values[0];
        if (l2Values.length > 1 && cv == null) {
            throw new InvalidInputException("--l2 has " + l2Values.length + " values: give --cv K to choose among them");
        }
        if (oneVsRest && (cv != null || plot != null || validation != null || init != null)) {
            throw new InvalidInputException("--one-vs-rest fits k models at once: it takes no --cv, --plot, --validation"
                    + " or --init");
        }
        if (outAll != null && cv == null) {
            throw new InvalidInputException("--out-all writes the models of a --cv run: give --cv K");
        }
        if (cv != null && plot != null) {
            throw new InvalidInputException("--plot draws one fit's progress; with --cv there are many: drop one of them");
        }
        Fitter fitter = Fitter.of(kind).maxEpochs(maxEpochs).l2(l2).l1(l1).intercept(!noIntercept)
                .seed(seed).backend(backend).threads(threads).batchSize(batch);
        if (tolerance != null) {
            fitter.tolerance(tolerance);
        }
        if (delta != null) {
            if (kind != ModelKind.HUBER) {
                throw new InvalidInputException("--delta is for --model huber; " + kind + " models take no delta");
            }
            fitter.delta(delta);
        }
        if (classWeight != null) {
            if (classWeight.equalsIgnoreCase("balanced")) {
                fitter.balancedClassWeights();
            } else {
                fitter.classWeights(parseClassWeights(classWeight));
            }
        }
        if (solver != null) {
            fitter.solver(Solver.parse(solver));
        }
        if (optimizer != null) {
            fitter.optimizer(OptimizerKind.parse(optimizer));
        }
        if (!learningRate.equalsIgnoreCase("auto")) {
            fitter.learningRate(parseNumber("--lr", learningRate));
        }
        DataFile.Format dataFormat = format == null ? DataFile.Format.guess(train) : DataFile.Format.parse(format);
        long loadStart = System.nanoTime();
        DataFile.Request request = DataFile.Request.forFit(label, weights, labels).withIndexBase(parseIndexBase(indexBase))
                .withHashedFeatures(hashFeatures == null ? 0 : requirePositive("--hash-features", hashFeatures))
                .withDelimiter(parseDelimiter(delimiter)).withDropped(drop).withFloat64(parseFloat64(precision));
        DataFile.Table table;
        try (LoadProgress loading = new LoadProgress(train, !quiet && System.console() != null ? Progress.terminal() : null,
                PROGRESS_AFTER_MILLIS)) {
            table = DataFile.read(train, dataFormat, noHeader ? request.withoutHeader() : request, loading.bytesRead());
        }
        long loadNanos = System.nanoTime() - loadStart;
        if (table.warning() != null) {
            spec.commandLine().getErr().println("descent: warning: " + table.warning());
            spec.commandLine().getErr().flush();
        }
        if (!oneVsRest) {
            checkLabels(kind, table);
        }
        Standardization standardization = standardize ? Standardization.learn(table.data()) : null;
        if (standardization != null) {
            table = table.withData(standardization.applyInPlace(table.data()));
        }
        if (init != null) {
            fitter.initialModel(startingModel(table, standardization != null));
        }
        if (validation != null) {
            holdOut(fitter, table, request, standardization);
        }

        if (cv != null) {
            return crossValidate(fitter, kind, table, standardization, console, loadNanos);
        }
        Progress progress = new Progress(!quiet && System.console() != null ? Progress.terminal() : null, maxEpochs,
                fitter.stoppingTarget(table.data().rows()), PROGRESS_AFTER_MILLIS);
        FitTrace trace = new FitTrace();
        FitResult result;
        console.printf(Locale.ROOT, "fitting %s on %,d rows x %,d features%s (Ctrl-C stops at the next step and keeps the best weights)%n",
                kind + (oneVsRest ? " one-vs-rest" : ""), table.data().rows(), table.data().columns(), sparsity(table.data()));
        console.flush();
        try (CtrlC stop = CtrlC.interruptsThisThread()) {
            long fitStart = System.nanoTime();
            try {
                result = oneVsRest ? fitter.oneVsRest(table.data())
                        : fitter.listener((epoch, objective, gradientNorm, rate) -> {
                            trace.onEpoch(epoch, objective, gradientNorm, rate);
                            progress.onEpoch(epoch, objective, gradientNorm, rate);
                        }).fit(table.data());
                if (result.status() == FitStatus.CONVERGED) {
                    progress.converged();
                }
            } finally {
                progress.close();
            }
            return finish(result, trace, kind, table, standardization, console,
                    new long[] {loadNanos, System.nanoTime() - fitStart});
        }
    }

    /** --cv: the table of held-out losses, then the best value's model as a fit of its own. */
    private int crossValidate(Fitter fitter, ModelKind kind, DataFile.Table table, Standardization standardization,
                              PrintWriter console, long loadNanos) throws IOException {
        console.printf(Locale.ROOT, "cross-validating %s on %,d rows x %,d features%s: %d folds x %d l2 values%n", kind,
                table.data().rows(), table.data().columns(), sparsity(table.data()), cv, l2Values.length);
        console.flush();
        long fitStart = System.nanoTime();
        CrossValidation validated;
        try (CtrlC stop = CtrlC.interruptsThisThread()) {
            validated = fitter.crossValidate(table.data(), cv, l2Values);
        }
        long fitNanos = System.nanoTime() - fitStart;
        console.print(validated.table());
        console.printf(Locale.ROOT, "chose l2 %.6g by mean held-out loss; %d fits in %.3f s%s%n", validated.bestL2(),
                cv * l2Values.length + 1, fitNanos / 1e9, validated.sharedPasses()
                        ? ", the folds' fits sharing each pass over the data" : ", one after the other");
        l2 = validated.bestL2();
        if (outAll != null) {
            writeEveryValue(fitter, kind, table, standardization, console);
        }
        return finish(validated.model(), new FitTrace(), kind, table, standardization, console,
                new long[] {loadNanos, fitNanos});
    }

    /** --out-all: the path of every --l2 value on every row, one model file each. */
    private void writeEveryValue(Fitter fitter, ModelKind kind, DataFile.Table table, Standardization standardization,
                                 PrintWriter console) throws IOException {
        java.nio.file.Files.createDirectories(outAll);
        List<FitResult> path = fitter.path(table.data(), l2Values);
        for (int v = 0; v < l2Values.length; v++) {
            Path file = outAll.resolve(String.format(Locale.ROOT, "l2-%s.json", l2Values[v]));
            ModelFile.write(file, savedModel(path.get(v), kind, table, standardization, l2Values[v]));
        }
        console.printf(Locale.ROOT, "wrote the models of the %d l2 values to %s%n", l2Values.length, outAll);
    }

    private ModelFile.SavedModel savedModel(FitResult result, ModelKind kind, DataFile.Table table,
                                            Standardization standardization, double l2Value) {
        return new ModelFile.SavedModel(result.model(), table.featureNames(), table.labelName(), standardization, l2Value,
                l1, kind == ModelKind.HUBER ? (delta == null ? kind.loss().defaultParameter() : delta) : Double.NaN,
                ModelFile.FitSummary.of(result), table.indexBase(), hashFeatures == null ? 0 : hashFeatures,
                table.classNames());
    }

    /**
     * --validation: a fraction of the rows, or a file read as the training data was (same columns, label, hashing
     * and class names) and standardized as it was.
     */
    private void holdOut(Fitter fitter, DataFile.Table table, DataFile.Request request, Standardization standardization) {
        double fraction;
        try {
            fraction = Double.parseDouble(validation);
        } catch (NumberFormatException e) {
            fraction = Double.NaN;
        }
        if (!Double.isNaN(fraction)) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new InvalidInputException("--validation takes a fraction between 0 and 1 or a file, not " + validation);
            }
            fitter.validationFraction(fraction);
            return;
        }
        Path file = Path.of(validation);
        DataFile.Format fileFormat = format == null ? DataFile.Format.guess(file) : DataFile.Format.parse(format);
        DataFile.Request same = table.classNames() == null ? request : request.withClassNames(table.classNames());
        DataFile.Table heldOut = DataFile.read(file, fileFormat, noHeader ? same.withoutHeader() : same);
        if (!heldOut.data().hasLabels()) {
            throw new InvalidInputException("--validation " + file + ": the file has no labels");
        }
        fitter.validation(standardization == null ? heldOut.data() : standardization.applyInPlace(heldOut.data()));
    }

    /** ", sparse: N non-zeros (density D), X in M MiB" for sparse data, ", float64: X in M MiB" for float64; else empty. */
    static String sparsity(dev.descent.data.Dataset data) {
        if (data.isFloat64()) {
            return String.format(Locale.ROOT, ", float64: X in %,.1f MiB", data.featureBytes() / 1048576.0);
        }
        if (!data.isSparse()) {
            return "";
        }
        var x = data.sparseFeatures();
        return String.format(Locale.ROOT, ", sparse: %,d non-zeros (density %.3g%%), X in %,.1f MiB", x.nonZeros(),
                100 * x.density(), x.bytes() / 1048576.0);
    }

    private static int requirePositive(String option, int value) {
        if (value < 1) {
            throw new InvalidInputException(option + " takes a positive count, not " + value);
        }
        return value;
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }

    /** --delimiter: one character, "tab" or "\t" for a tab; a comma when absent. */
    /** --precision: whether dense features are held in float64 ("double") rather than float32 ("single", the default). */
    static boolean parseFloat64(String value) {
        if (value == null || value.equalsIgnoreCase("single") || value.equalsIgnoreCase("float32")) {
            return false;
        }
        if (value.equalsIgnoreCase("double") || value.equalsIgnoreCase("float64")) {
            return true;
        }
        throw new InvalidInputException("--precision takes single or double, not '" + value + "'");
    }

    static char parseDelimiter(String value) {
        if (value == null) {
            return ',';
        }
        if (value.equalsIgnoreCase("tab") || value.equals("\\t")) {
            return '\t';
        }
        if (value.length() != 1) {
            throw new InvalidInputException("--delimiter takes one character (or tab), not '" + value + "'");
        }
        return value.charAt(0);
    }

    /** --index-base: -1 for auto (or absent), else 0 or 1. */
    static int parseIndexBase(String value) {
        if (value == null || value.equalsIgnoreCase("auto")) {
            return -1;
        }
        return switch (value.trim()) {
            case "0" -> 0;
            case "1" -> 1;
            default -> throw new InvalidInputException("--index-base takes auto, 0 or 1, not '" + value + "'");
        };
    }

    /** Writes the model (also after Ctrl-C) and the summary; returns the exit code. */
    private int finish(FitResult result, FitTrace trace, ModelKind kind, DataFile.Table table, Standardization standardization,
                       PrintWriter console, long[] loadAndFitNanos) throws IOException {
        // the fit hands an interrupt back on the thread; writing the model must not trip over it
        boolean interrupted = Thread.interrupted() || result.status() == FitStatus.INTERRUPTED;
        long writeStart = System.nanoTime();
        ModelFile.write(out, savedModel(result, kind, table, standardization, l2));
        long writeNanos = System.nanoTime() - writeStart;
        if (plot != null) {
            ConvergencePlot.write(result, trace, kind + " on " + train.getFileName(), plot);
        }

        if (!quiet) {
            try {
                summarize(result, kind, table, standardization, console, loadAndFitNanos, writeNanos);
            } catch (OutOfMemoryError e) {
                // the model is written: say so, rather than let the fit look failed for want of the metric's arrays
                PrintWriter err = spec.commandLine().getErr();
                err.println("descent: warning: the model is written to " + out + ", but the training metric needs more"
                        + " memory than this JVM has (raise it with DESCENT_JAVA_OPTS=-Xmx..., or pass --quiet)");
                err.flush();
            }
        }
        console.flush();
        if (interrupted) {
            return Main.EXIT_INTERRUPTED;
        }
        return switch (result.status()) {
            case CONVERGED, EARLY_STOPPED -> 0;
            case MAX_EPOCHS, STALLED -> {
                PrintWriter err = spec.commandLine().getErr();
                err.println("descent: warning: " + notConvergedWarning(result));
                err.flush();
                yield strict ? Main.EXIT_NOT_CONVERGED : 0;
            }
            default -> Main.EXIT_NOT_CONVERGED;
        };
    }

    /** The summary: status, progress and the training metric, backend, times, where the model went (skipped with --quiet, metric pass and all). */
    private void summarize(FitResult result, ModelKind kind, DataFile.Table table, Standardization standardization,
                           PrintWriter console, long[] loadAndFitNanos, long writeNanos) {
        double[] predicted = result.model().predict(table.data());
        String metric;
        List<String> confusion = List.of();
        if (!kind.classifies()) {
            metric = ClassifierScores.regressionScores(kind, table.data().labels(), predicted);
        } else {
            double[][] probabilities = result.model().hasProbabilities() ? result.model().predictProba(table.data()) : null;
            metric = ClassifierScores.scores(result.model(), table.data(), predicted, probabilities)
                    + (probabilities == null ? "" : String.format(Locale.ROOT, ", log-loss %.6g",
                            Metrics.logLoss(table.data().labels(), probabilities, result.model().classes())));
            confusion = ClassifierScores.confusionLines(result.model(), table.data(), predicted, table.classNames());
        }
        console.printf(Locale.ROOT, "%s: %s%n", result.status(), result.reason());
        console.printf(Locale.ROOT, "%s, training %s%n", result.progress(), metric);
        confusion.forEach(console::println);
        console.printf(Locale.ROOT, "backend %s (%s), median %s %.3f ms, %s%n", result.backend(), result.device(),
                result.solver() == Solver.FIRST_ORDER ? "step" : "pass", result.medianStepMillis(),
                result.solver() == Solver.FIRST_ORDER
                        ? String.format(Locale.ROOT, "learning rate %.6g, optimizer %s", result.learningRate(), result.optimizer())
                        : "solver " + result.solver());
        console.printf(Locale.ROOT, "time: load %.3f s, upload %.3f s (with the backend's start), fit %.3f s (first pass"
                        + " done at %.3f s), write %.3f s%n", loadAndFitNanos[0] / 1e9, result.uploadMillis() / 1e3,
                loadAndFitNanos[1] / 1e9 - result.uploadMillis() / 1e3,
                (result.timeToFirstStepMillis() - result.uploadMillis()) / 1e3, writeNanos / 1e9);
        console.printf(Locale.ROOT, "model written to %s%s%s%n", out,
                standardization != null ? " (weights on the standardized scale)" : "",
                plot != null ? "; plot written to " + plot : "");
    }

    /** One line for a fit that stopped before converging: how far from it, and what to change. */
    String notConvergedWarning(FitResult result) {
        double[] history = result.objectiveHistory();
        String distance = "";
        if (history.length >= 2) {
            double last = history[history.length - 1];
            double change = Math.abs(history[history.length - 2] - last) / Math.max(Math.abs(last), Double.MIN_NORMAL);
            distance = String.format(Locale.ROOT, " (the objective still changed by %.2g relative in the last %s)",
                    change, result.solver() == Solver.FIRST_ORDER ? "epoch" : "iteration");
        }
        if (result.status() == FitStatus.STALLED) {
            return "the fit stalled before converging: " + result.reason() + distance + ".";
        }
        String advice = result.solver() == Solver.FIRST_ORDER
                ? "raise --max-epochs (now " + maxEpochs + "), loosen --tol, or use --solver lbfgs"
                        + (l1 > 0 ? " (owlqn with --l1)" : "") + " for fewer passes"
                : "raise --max-epochs (now " + maxEpochs + ", the iteration limit) or loosen --tol";
        return "the fit stopped at its limit before converging" + distance + "; the weights are usable but not"
                + " optimal: " + advice + ".";
    }

    /** Labels the model cannot take, named by file, line and column before the fit starts (the checks Fitter makes). */
    private static void checkLabels(ModelKind kind, DataFile.Table table) {
        boolean binary = kind.loss().labels() == dev.descent.loss.Loss.Labels.BINARY;
        if (table.classNames() != null) {
            if (!kind.classifies()) {
                throw new InvalidInputException("the label column '" + table.labelName() + "' holds names such as '"
                        + table.classNames().get(0) + "', not numbers; a " + kind + " model needs numbers (classifiers:"
                        + " --model logistic, softmax or svm)");
            }
            if (binary && table.classNames().size() != 2) {
                throw new InvalidInputException(kind + " needs two classes, but the label column '"
                        + table.labelName() + "' has " + table.classNames().size() + ": " + abbreviated(table.classNames())
                        + " (use --model softmax)");
            }
            return;
        }
        float[] labels = table.data().labels();
        if (binary) {
            int bad = Labels.firstInvalidBinaryLabel(labels);
            if (bad >= 0) {
                throw table.labelError(bad, Labels.binaryLabelProblem(labels, bad)
                        + "; " + kind + " needs labels in {0, 1} or {-1, +1} (use --model softmax for more classes)");
            }
        } else if (kind.loss().labels() == dev.descent.loss.Loss.Labels.NON_NEGATIVE) {
            int bad = Labels.firstNegativeLabel(labels);
            if (bad >= 0) {
                throw table.labelError(bad, "label " + labels[bad] + " is negative; " + kind
                        + " regression needs labels >= 0 (counts or rates)");
            }
        }
    }

    /** The model of --init, checked against the data's features and this run's standardization. */
    private LinearModel startingModel(DataFile.Table table, boolean standardized) {
        ModelFile.SavedModel saved = ModelFile.read(init);
        if (!saved.features().equals(table.featureNames())) {
            throw new InvalidInputException("--init " + init + " was fitted on the features " + saved.features()
                    + ", but " + train + " has " + table.featureNames());
        }
        if ((saved.standardization() != null) != standardized) {
            throw new InvalidInputException("--init " + init + " was fitted " + (standardized ? "without" : "with")
                    + " --standardize; fit " + (standardized ? "without" : "with") + " it too, so that its weights apply");
        }
        return saved.fitted();
    }

    /** "0=1,1=5" as a map from label to weight; anything else is one line naming the option. */
    static java.util.Map<Double, Double> parseClassWeights(String text) {
        java.util.Map<Double, Double> weights = new java.util.HashMap<>();
        for (String part : text.split(",")) {
            String[] pair = part.split("=");
            if (pair.length != 2) {
                throw new InvalidInputException("--class-weight expects balanced or CLASS=WEIGHT,... (such as 0=1,1=5), got '"
                        + text + "'");
            }
            weights.put(parseNumber("--class-weight", pair[0].trim()), parseNumber("--class-weight", pair[1].trim()));
        }
        return weights;
    }

    static double parseNumber(String option, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(option + " must be a number or auto, not '" + text + "'");
        }
    }

    /**
     * A progress bar on the terminal, started only once a fit has run for a second, that measures
     * progress toward convergence, not toward the epoch limit: the larger of the epochs used and how far
     * the gradient norm has come, in decades, from its start to the stopping rule's target. It stays
     * within 80 columns.
     */
    static final class Progress implements AutoCloseable {
        /** Columns the bar and its message may take. */
        static final int WIDTH = 80;
        private final me.tongfei.progressbar.ProgressBarConsumer consumer;
        private final int maxEpochs;
        private final Fitter.StoppingTarget target;
        private final long delayMillis;
        private final long start = System.nanoTime();
        private final String unit;
        private double startGradient = Double.NaN;
        private ProgressBar bar;

        /** {@code consumer} null: no bar. */
        Progress(me.tongfei.progressbar.ProgressBarConsumer consumer, int maxEpochs, Fitter.StoppingTarget target,
                 long delayMillis) {
            this.consumer = consumer;
            this.maxEpochs = maxEpochs;
            this.target = target;
            this.delayMillis = delayMillis;
            this.unit = target.solver() == Solver.FIRST_ORDER ? "epoch" : "iteration";
        }

        /** The terminal (standard error), at most {@link #WIDTH} columns. */
        static me.tongfei.progressbar.ProgressBarConsumer terminal() {
            return new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err, WIDTH);
        }

        /** Percent of the way to convergence after epoch {@code epoch} (0-based) with this gradient norm. */
        int percent(int epoch, double gradientNorm) {
            if (Double.isNaN(startGradient) && gradientNorm > 0 && Double.isFinite(gradientNorm)) {
                startGradient = gradientNorm;
            }
            double byEpochs = (epoch + 1.0) / maxEpochs;
            double byGradient = 0;
            double goal = target.relativeToStart() ? startGradient * target.gradientTolerance() : target.gradientTolerance();
            if (goal > 0 && startGradient > goal && gradientNorm > 0) {
                byGradient = Math.log(startGradient / gradientNorm) / Math.log(startGradient / goal);
            } else if (goal > 0 && gradientNorm <= goal) {
                byGradient = 1;
            }
            return (int) Math.round(100 * Math.max(0, Math.min(1, Math.max(byEpochs, byGradient))));
        }

        void onEpoch(int epoch, double objective, double gradientNorm, double learningRate) {
            int percent = percent(epoch, gradientNorm);
            if (consumer == null) {
                return;
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (bar == null && elapsedMillis < delayMillis) {
                return;
            }
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("fit").setInitialMax(100).setUnit("%", 1).hideEta()
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setConsumer(consumer).build();
            }
            bar.stepTo(percent);
            bar.setExtraMessage(String.format(Locale.ROOT, "%s %d, f %.6g, |g| %.1e", unit, epoch + 1, objective,
                    gradientNorm));
        }

        /** The fit met a stopping rule (maybe another than the gradient's): the bar ends full. */
        void converged() {
            if (bar != null) {
                bar.stepTo(100);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
