package dev.descent.spark;

import dev.descent.FitStatus;
import dev.descent.InvalidInputException;
import dev.descent.Fitter;
import dev.descent.backend.Backends;
import dev.descent.fit.FitLoop;
import dev.descent.fit.QuasiNewtonLoop;
import dev.descent.loss.Loss;
import dev.descent.optim.Coordinates;
import dev.descent.optim.DataTerm;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * One fit on a Spark DataFrame, run from the driver: the partitions become cached blocks
 * ({@link PartitionBlock}), one summary pass checks every row and adds up the moments, then descent's
 * {@link QuasiNewtonLoop} runs on the driver with the partitions' data-term sums
 * ({@link PartitionCache} on the executors, {@link FixedOrderAggregate} between them).
 *
 * <p>The objective is MLlib's for the same params (see the README's Spark section for the mapping):
 * for classifiers (1/S) sum s_i logloss_i + regParam ((1 - a)/2 ||w||^2 + a ||w||_1) with a the
 * elasticNetParam; with {@code standardization} the penalty applies to w_j sigma_j, sigma_j the
 * weighted standard deviation of feature j, which the solver handles as a change of coordinates (the
 * data on the executors is never rescaled).
 */
final class DistributedFit {
    /** What to fit: the columns, the model, MLlib's params. */
    record Settings(boolean classifier, String featuresCol, String labelCol, String weightCol, double regParam,
                    double elasticNetParam, boolean fitIntercept, boolean standardization, int maxIter, double tol,
                    int aggregationDepth, String backend) {
    }

    /** The fitted model in the original features' scale, and how the fit went. */
    record Result(int classes, double[][] weights, double[] intercepts, TrainingSummary summary) {
    }

    private DistributedFit() {
    }

    static Result run(org.apache.spark.sql.Dataset<?> dataset, Settings settings) {
        long start = System.nanoTime();
        StructType schema = dataset.schema();
        requireColumn(schema, settings.featuresCol(), "features");
        requireColumn(schema, settings.labelCol(), "label");
        if (settings.weightCol() != null) {
            requireColumn(schema, settings.weightCol(), "weight");
        }
        requireKnownBackend(settings.backend());
        int metadataClasses = settings.classifier() ? classesOf(schema.apply(settings.labelCol())) : 0;
        Column weight = settings.weightCol() == null ? functions.lit(1.0)
                : functions.col(settings.weightCol()).cast(DataTypes.DoubleType);
        JavaRDD<Row> rows = dataset.select(functions.col(settings.featuresCol()),
                functions.col(settings.labelCol()).cast(DataTypes.DoubleType), weight).toJavaRDD();
        PartitionBlock.Columns names = new PartitionBlock.Columns(settings.featuresCol(), settings.labelCol(),
                settings.weightCol(), settings.classifier() ? PartitionBlock.LabelRule.CLASS_INDEX
                        : PartitionBlock.LabelRule.FINITE, metadataClasses);
        JavaRDD<PartitionBlock> blocks = rows.mapPartitionsWithIndex(
                (index, source) -> List.of(PartitionBlock.read(index, source, names)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        String fit = UUID.randomUUID().toString();
        try {
            return fit(blocks, fit, settings, start);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            // a failed Spark job (SparkException, thrown undeclared by the Java API) or descent's own error in a task
            throw unwrapped(e);
        } finally {
            release(blocks, fit);
        }
    }

    private static Result fit(JavaRDD<PartitionBlock> blocks, String fit, Settings settings, long start) {
        int partitions = blocks.getNumPartitions();
        int depth = settings.aggregationDepth();
        PartitionBlock.Summary summary = FixedOrderAggregate.sum(
                FixedOrderAggregate.keyed(blocks.map(block -> block.summary)), partitions, depth, PartitionBlock.Summary::add);
        if (summary.problem != null) {
            throw new IllegalArgumentException(summary.problem);
        }
        if (summary.rows == 0 || summary.weightSum == 0) {
            throw new IllegalArgumentException("the data set has no rows" + (summary.rows == 0 ? "" : " of positive weight")
                    + " to fit");
        }
        int d = summary.size;
        Loss loss;
        int outputs;
        int classes = 0;
        if (settings.classifier()) {
            classes = Math.max(2, (int) summary.maxLabel + 1);
            loss = classes == 2 ? Loss.LOGISTIC : Loss.SOFTMAX;
            outputs = classes == 2 ? 1 : classes;
        } else {
            loss = Loss.LINEAR;
            outputs = 1;
        }
        double[] deviation = settings.standardization() ? deviations(summary) : null;
        double l2 = settings.regParam() * (1 - settings.elasticNetParam());
        double l1 = settings.regParam() * settings.elasticNetParam();
        if (!settings.classifier()) {
            // descent's squared loss is (z - y)^2, MLlib's (z - y)^2 / 2; MLlib also divides regParam by the
            // label's standard deviation, in its L2 part only once its objective is rescaled to the labels' scale
            l2 = 2 * l2 / labelDeviation(summary);
            l1 = 2 * l1;
        }
        PartitionCache.Spec spec = new PartitionCache.Spec(settings.backend(), loss, outputs, d, settings.fitIntercept());
        Partitions dataTerm = new Partitions(blocks, fit, spec, depth, deviation,
                problem(loss, outputs, d, settings.fitIntercept(), l2, l1, summary, deviation));
        long solverStart = System.nanoTime();
        FitLoop.Outcome outcome;
        if (settings.maxIter() == 0) {
            double[] zero = new double[dataTerm.problem().parameterCount()];
            outcome = new FitLoop.Outcome(FitStatus.MAX_EPOCHS, "maxIter is 0", 0, 0, new double[0], Double.NaN, zero,
                    Double.NaN, Double.NaN);
        } else {
            QuasiNewtonLoop.Settings loop = new QuasiNewtonLoop.Settings(settings.maxIter(), settings.tol(),
                    Fitter.DEFAULT_QUASI_NEWTON_GRADIENT_TOLERANCE, Fitter.DEFAULT_LBFGS_HISTORY, null);
            outcome = new QuasiNewtonLoop(dataTerm, loop).run(new double[dataTerm.problem().parameterCount()], solverStart);
        }
        long end = System.nanoTime();
        double[] parameters = outcome.parameters();
        double[][] weights = new double[outputs][d];
        double[] intercepts = new double[outputs];
        for (int c = 0; c < outputs; c++) {
            for (int j = 0; j < d; j++) {
                weights[c][j] = parameters[c * d + j] * dataTerm.inverseDeviation(j);
            }
            intercepts[c] = parameters[outputs * d + c];
        }
        if (outputs > 1 && settings.fitIntercept()) {
            // softmax is unchanged by a shift of every intercept; centred, as MLlib reports them
            double mean = Arrays.stream(intercepts).average().orElse(0);
            for (int c = 0; c < outputs; c++) {
                intercepts[c] -= mean;
            }
        }
        TrainingSummary report = new TrainingSummary(outcome.history(), (int) outcome.steps(), dataTerm.passes,
                outcome.status().name(), outcome.reason(), (end - start) / 1e6, (end - solverStart) / 1e6,
                dataTerm.slowestPartitionNanos / 1e6, String.join(", ", dataTerm.backends));
        return new Result(classes, weights, intercepts, report);
    }

    /**
     * The problem the solver sees: in the coordinates of standardized features when {@code deviation} is
     * given (w'_j = w_j sigma_j, as MLlib penalizes), with descent's preconditioning from the moments.
     */
    private static Problem problem(Loss loss, int outputs, int d, boolean intercept, double l2, double l1,
                                   PartitionBlock.Summary summary, double[] deviation) {
        double[] sums = summary.weightedSums.clone();
        double[] squares = summary.weightedSquares.clone();
        if (deviation != null) {
            for (int j = 0; j < d; j++) {
                double inverse = deviation[j] > 0 ? 1 / deviation[j] : 0;
                sums[j] *= inverse;
                squares[j] *= inverse * inverse;
            }
        }
        double[][] moments = Coordinates.preconditioning(sums, squares, summary.weightSum, intercept, l2,
                loss.curvatureBound(loss.defaultParameter()));
        return new Problem(loss, outputs, d, intercept, l2, l1, Optimizer.of(Fitter.DEFAULT_OPTIMIZER), moments[0],
                moments[1], loss.defaultParameter());
    }

    /** Each feature's weighted (unbiased) standard deviation, as MLlib's Summarizer gives it. */
    private static double[] deviations(PartitionBlock.Summary summary) {
        double[] deviation = new double[summary.size];
        for (int j = 0; j < deviation.length; j++) {
            deviation[j] = deviation(summary.weightedSums[j], summary.weightedSquares[j], summary);
        }
        return deviation;
    }

    private static double labelDeviation(PartitionBlock.Summary summary) {
        double deviation = deviation(summary.labelSum, summary.labelSquareSum, summary);
        return deviation > 0 ? deviation : 1;
    }

    private static double deviation(double sum, double squareSum, PartitionBlock.Summary summary) {
        double total = summary.weightSum;
        double denominator = total - summary.weightSquareSum / total;
        if (!(denominator > 0)) {
            return 0;
        }
        return Math.sqrt(Math.max(0, (squareSum - sum * sum / total) / denominator));
    }

    /** The partitions as the solver's data term: one Spark job per evaluation. */
    private static final class Partitions implements DataTerm {
        private final JavaRDD<PartitionBlock> blocks;
        private final String fit;
        private final PartitionCache.Spec spec;
        private final int depth;
        private final double[] inverseDeviation;
        private final Problem problem;
        private final JavaSparkContext context;
        int passes;
        long slowestPartitionNanos;
        final java.util.TreeSet<String> backends = new java.util.TreeSet<>();

        Partitions(JavaRDD<PartitionBlock> blocks, String fit, PartitionCache.Spec spec, int depth, double[] deviation,
                   Problem problem) {
            this.blocks = blocks;
            this.fit = fit;
            this.spec = spec;
            this.depth = depth;
            this.problem = problem;
            this.context = JavaSparkContext.fromSparkContext(blocks.context());
            if (deviation == null) {
                inverseDeviation = null;
            } else {
                inverseDeviation = new double[deviation.length];
                for (int j = 0; j < deviation.length; j++) {
                    // a constant feature gets weight 0, as in MLlib
                    inverseDeviation[j] = deviation[j] > 0 ? 1 / deviation[j] : 0;
                }
            }
        }

        double inverseDeviation(int j) {
            return inverseDeviation == null ? 1 : inverseDeviation[j];
        }

        @Override
        public Problem problem() {
            return problem;
        }

        @Override
        public void sumsAt(double[] parameters, DataTermSums out) {
            int d = problem.features();
            int weights = problem.penalizedCount();
            double[] original = parameters.clone();
            for (int p = 0; p < weights; p++) {
                original[p] *= inverseDeviation(p % d);
            }
            Broadcast<double[]> point = context.broadcast(original);
            String fitId = fit;
            PartitionCache.Spec executor = spec;
            JavaRDD<PartitionSums> sums = blocks.mapPartitionsWithIndex((index, source) -> List.of(
                    PartitionCache.sums(fitId, index, source, executor, point.value())).iterator(), true);
            PartitionSums total = FixedOrderAggregate.sum(FixedOrderAggregate.keyed(sums), blocks.getNumPartitions(), depth,
                    PartitionSums::add);
            point.destroy();
            passes++;
            slowestPartitionNanos += total.slowestPartitionNanos;
            backends.addAll(total.backends);
            total.copyTo(out);
            double[] gradient = out.gradient();
            for (int p = 0; p < weights; p++) {
                gradient[p] *= inverseDeviation(p % d);
            }
        }
    }

    /** Releases the fit's backends on the executors the blocks live on, and the blocks. */
    private static void release(JavaRDD<PartitionBlock> blocks, String fit) {
        try {
            blocks.foreachPartition(ignored -> PartitionCache.release(fit));
        } catch (RuntimeException e) {
            // an executor the release does not reach frees the fit's entries after PartitionCache.IDLE_RELEASE_MINUTES
        } finally {
            PartitionCache.release(fit);
            blocks.unpersist(false);
        }
    }

    private static void requireColumn(StructType schema, String name, String role) {
        if (name == null || name.isEmpty() || !Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the %s column '%s' is not in the data set (columns: %s)", role, name, String.join(", ", schema.fieldNames())));
        }
        StructField field = schema.apply(name);
        boolean fits = role.equals("features") ? field.dataType().equals(SQLDataTypes.VectorType())
                : field.dataType() instanceof NumericType;
        if (!fits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the %s column '%s' has type %s; expected %s", role,
                    name, field.dataType().simpleString(), role.equals("features") ? "vector" : "a number"));
        }
    }

    /**
     * Refuses a backend name no build of descent knows, on the driver (whether it can run is the
     * executors' question: a GPU may be there and not here).
     */
    private static void requireKnownBackend(String name) {
        List<String> known = new ArrayList<>(List.of("auto"));
        Backends.all().forEach(provider -> known.add(provider.name()));
        if (!known.contains(name)) {
            throw new IllegalArgumentException("backend '" + name + "' is not one of " + String.join(", ", known));
        }
    }

    /** The number of classes the label column's metadata declares, or 0. */
    private static int classesOf(StructField label) {
        Attribute attribute = Attribute.fromStructField(label);
        if (attribute instanceof NominalAttribute nominal && nominal.numValues().isDefined()) {
            return (Integer) nominal.numValues().get();
        }
        return 0;
    }

    /**
     * A failed job as the caller should see it: the first IllegalArgumentException or descent
     * InvalidInputException among its causes (bad input found in a task) as an IllegalArgumentException
     * with that message; anything else as it came.
     */
    private static RuntimeException unwrapped(Exception failure) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !seen.contains(cause); cause = cause.getCause()) {
            seen.add(cause);
            if (cause instanceof IllegalArgumentException || cause instanceof InvalidInputException) {
                return new IllegalArgumentException(cause.getMessage(), failure);
            }
        }
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure.getMessage(), failure);
    }
}
