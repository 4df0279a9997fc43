package dev.descent.cli;

import dev.descent.Metrics;
import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.data.DataFile;
import dev.descent.data.Dataset;
import dev.descent.io.AtomicFiles;
import dev.descent.io.ModelFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code descent predict}: applies a model file to data, one line per row. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        // picocli starts a line at each element and lists a command by its first: one element per paragraph
        description = {"Applies a model to data: one line per row.",
            "Each line is the value (poisson: the mean count), or the class label; with --proba the class"
                + " probabilities, comma-separated, in the order of the model's \"classes\"; with --scores the linear"
                + " outputs z (the decision function: one per class for softmax). When the data has the label column the metric is printed (to the"
                + " console; to stderr when predictions go to stdout)."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "A model written by descent fit.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data to predict on; - reads CSV"
            + " (or with --format libsvm, LIBSVM) from standard input.")
    Path data;

    @Option(names = "--format", paramLabel = "csv|libsvm|npy|npz", description = "Data format (default: from the file name).")
    String format;

    @Option(names = "--labels", paramLabel = "FILE", description = "For .npy and .npz data: labels, to print the metric.")
    Path labels;

    @Option(names = "--no-header", description = "The CSV file has no header row: its columns are column1, column2, ...,"
            + " as in a model fitted with --no-header.")
    boolean noHeader;

    @Option(names = "--precision", paramLabel = "single|double", description = "Hold dense CSV and .npy features in"
            + " float32 (single, the default) or float64 (double), as the fit did.")
    String precision;

    @Option(names = "--delimiter", paramLabel = "C", description = "CSV field separator: one character, or tab"
            + " (default: a comma).")
    String delimiter;

    @Option(names = "--index-base", paramLabel = "auto|0|1", description = "LIBSVM feature indices start at 0 or 1"
            + " (default: as in the model's training file, else auto: 0 when the file holds an index 0).")
    String indexBase;

    @Option(names = "--proba", description = "Write class probabilities instead of labels (logistic and softmax).")
    boolean proba;

    @Option(names = "--scores", description = "Write the linear outputs z = w . x + b instead of predictions (an svm's"
            + " decision function; a poisson model's log mean).")
    boolean scores;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write predictions here (atomically) instead of to stdout.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Main.requireWritable("--out", out);
        ModelFile.SavedModel saved = ModelFile.read(model);
        // model() predicts from raw features (a standardization folded in), as a Java caller's does
        LinearModel predictor = saved.model();
        if (proba && scores) {
            throw new dev.descent.InvalidInputException("--proba and --scores each replace the predictions: give one");
        }
        if (proba && !predictor.hasProbabilities()) {
            throw new dev.descent.InvalidInputException("--proba needs a logistic or softmax model; " + model + " is "
                    + predictor.kind() + (predictor.kind().classifies() ? " (its scores: --scores)" : ""));
        }
        DataFile.Format dataFormat = format == null ? DataFile.Format.guess(data) : DataFile.Format.parse(format);
        DataFile.Request request = DataFile.Request.forPredict(saved.label(), labels, saved.features());
        if (noHeader) {
            request = request.withoutHeader();
        }
        if (delimiter != null) {
            request = request.withDelimiter(FitCommand.parseDelimiter(delimiter));
        }
        request = request.withFloat64(FitCommand.parseFloat64(precision));
        if (saved.classNames() != null && dataFormat == DataFile.Format.CSV) {
            request = request.withClassNames(saved.classNames());
        }
        if (saved.hashBuckets() > 0) {
            request = request.withHashedFeatures(saved.hashBuckets());
        }
        int base = FitCommand.parseIndexBase(indexBase);
        if (dataFormat == DataFile.Format.LIBSVM) {
            request = request.withIndexBase(base >= 0 ? base : saved.indexBase());
        } else if (base >= 0) {
            request = request.withIndexBase(base);
        }
        DataFile.Table table;
        // on standard error, and only on a terminal (System.console() is null when standard output is piped)
        boolean showProgress = System.console() != null;
        try (LoadProgress loading = new LoadProgress(data, showProgress ? FitCommand.Progress.terminal() : null,
                FitCommand.PROGRESS_AFTER_MILLIS)) {
            table = DataFile.read(data, dataFormat, request, loading.bytesRead());
        }
        Dataset rows = table.data();
        if (table.warning() != null) {
            spec.commandLine().getErr().println("descent: warning: " + table.warning());
            spec.commandLine().getErr().flush();
        }
        double[] predicted = predictor.predict(rows);
        double[][] probabilities = proba ? predictor.predictProba(rows) : null;
        double[][] written = scores ? predictor.decisionFunction(rows) : probabilities;
        if (out != null) {
            AtomicFiles.write(out, stream -> {
                Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
                writeLines(writer, predicted, written, saved.classNames());
                writer.flush();
            });
        } else {
            PrintWriter console = spec.commandLine().getOut();
            writeLines(console, predicted, written, saved.classNames());
            console.flush();
        }
        if (rows.hasLabels()) {
            PrintWriter report = out != null ? spec.commandLine().getOut() : spec.commandLine().getErr();
            report.println(metric(predictor, rows, predicted, probabilities));
            if (predictor.kind().classifies()) {
                ClassifierScores.confusionLines(predictor, rows, predicted, saved.classNames()).forEach(report::println);
            }
        }
        return 0;
    }

    /** The metrics line; {@code probabilities} are those already computed for --proba, or null. */
    private static String metric(LinearModel predictor, Dataset rows, double[] predicted, double[][] probabilities) {
        if (!predictor.kind().classifies()) {
            return ClassifierScores.regressionScores(predictor.kind(), rows.labels(), predicted) + " on " + rows.rows() + " rows";
        }
        double[][] proba = probabilities == null && predictor.kind() == ModelKind.LOGISTIC ? predictor.predictProba(rows)
                : probabilities;
        return ClassifierScores.scores(predictor, rows, predicted, proba) + " on " + rows.rows() + " rows";
    }

    /**
     * One line per row: the value or class label (its name, when the model has class names), or, when {@code columns}
     * is given, its row (the probabilities or the scores).
     */
    private static void writeLines(Writer writer, double[] predicted, double[][] columns, List<String> classNames)
            throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < predicted.length; i++) {
            line.setLength(0);
            if (columns == null) {
                line.append(classNames != null ? classNames.get((int) predicted[i]) : format(predicted[i]));
            } else {
                for (int c = 0; c < columns[i].length; c++) {
                    line.append(c == 0 ? "" : ",").append(columns[i][c]);
                }
            }
            writer.write(line.append('\n').toString());
        }
    }

    /** Whole numbers (class labels) without ".0"; everything else with full precision. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
