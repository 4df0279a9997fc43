import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import dev.descent.spark.DescentLogisticRegression;
import dev.descent.spark.DescentLogisticRegressionModel;
import dev.descent.spark.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * DescentLogisticRegression against MLlib's LogisticRegression on one cached DataFrame in one local
 * Spark, same objective (standardization off on both, so descent's single-machine fit has it too):
 * time per iteration (the marginal cost: two run lengths, so set-up cancels), time to 1e-6 relative
 * gap to the best objective either reached, and descent's single-machine fit on the same rows.
 *
 * <p>Usage: SparkBenchmark binary|softmax ROWS FEATURES CLASSES REG_PARAM OUT_DIR
 */
public final class SparkBenchmark {
    static final long SEED = 20261205L;
    static final double GAP = 1e-6;

    public static void main(String[] args) throws IOException {
        String problem = args[0];
        int rows = Integer.parseInt(args[1]);
        int features = Integer.parseInt(args[2]);
        int classes = Integer.parseInt(args[3]);
        double regParam = Double.parseDouble(args[4]);
        Path out = Path.of(args[5]);
        Files.createDirectories(out);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("descent-spark-benchmark")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = 2;
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        JavaRDD<Row> generated = context.parallelize(parts, partitions).flatMap(p -> {
            List<Row> list = new ArrayList<>();
            for (int i = p; i < rows; i += partitions) {
                double[] x = new double[features];
                double label = row(i, features, classes, x);
                list.add(RowFactory.create(Vectors.dense(x), label));
            }
            return list.iterator();
        });
        org.apache.spark.sql.Dataset<Row> frame = spark.createDataFrame(generated, schema).cache();
        long t0 = System.nanoTime();
        long count = frame.count();
        log(out, String.format(Locale.ROOT, "%s: %d rows x %d features, %d classes, regParam %g, %d partitions, cached in %.1f s",
                problem, count, features, classes, regParam, partitions, (System.nanoTime() - t0) / 1e9));

        int longIterations = Integer.parseInt(System.getProperty("iterations", "200"));
        // descent on one machine, in this process, on the same rows and objective; first, so that its warm-up
        // fit also leaves the cpu backend's vector kernels compiled for the executors of this local Spark
        // (a long-lived executor's state after its first fits; each JVM of a cluster warms up on its own)
        float[] x = new float[Math.multiplyExact(rows, features)];
        float[] y = new float[rows];
        double[] row = new double[features];
        for (int i = 0; i < rows; i++) {
            y[i] = (float) row(i, features, classes, row);
            for (int j = 0; j < features; j++) {
                x[i * features + j] = (float) row[j];
            }
        }
        Dataset local = Dataset.rowMajor(x, rows, features, y);
        ModelKind kind = classes == 2 ? ModelKind.LOGISTIC : ModelKind.SOFTMAX;
        // fits for 8 s: the twins' passes add up to the warm-up's delay and the warm-up switches to the vector code
        FitResult warm;
        long warmUntil = System.nanoTime() + 8_000_000_000L;
        do {
            warm = Fitter.of(kind).l2(regParam).backend("cpu").tolerance(0).maxEpochs(longIterations).fit(local);
        } while (System.nanoTime() < warmUntil);
        FitResult single = Fitter.of(kind).l2(regParam).backend("cpu").tolerance(0).maxEpochs(longIterations).fit(local);
        double singlePerPass = single.medianStepMillis();

        // long runs: each system's best objective and its path
        Run mllibLong = mllib(frame, regParam, longIterations);
        Run descentLong = descent(frame, regParam, longIterations);
        double best = Math.min(min(mllibLong.history), min(descentLong.history));
        double target = best + GAP * Math.abs(best);
        log(out, String.format(Locale.ROOT, "best objective %.12g (MLlib %.12g after %d iterations, descent %.12g after %d); target %.12g",
                best, min(mllibLong.history), mllibLong.iterations, min(descentLong.history), descentLong.iterations, target));

        int mllibToTarget = firstAtOrBelow(mllibLong.history, target);
        int descentToTarget = firstAtOrBelow(descentLong.history, target);
        Run mllibShort = mllibToTarget > 0 ? mllib(frame, regParam, mllibToTarget) : null;
        Run descentShort = descentToTarget > 0 ? descent(frame, regParam, descentToTarget) : null;
        // a half-length run for the marginal cost of an iteration, where the target run is too short to tell
        Run mllibHalf = mllib(frame, regParam, Math.max(1, mllibLong.iterations / 2));
        Run descentHalf = descent(frame, regParam, Math.max(1, descentLong.iterations / 2));
        double mllibPerIteration = marginal(mllibLong, mllibHalf);
        double descentPerIteration = marginal(descentLong, descentHalf);

        StringBuilder table = new StringBuilder();
        table.append("| | MLlib LogisticRegression | DescentLogisticRegression | ratio |\n|---|---|---|---|\n");
        table.append(String.format(Locale.ROOT, "| time per iteration (marginal) | %.1f ms | %.1f ms | %.1fx |%n",
                mllibPerIteration, descentPerIteration, mllibPerIteration / descentPerIteration));
        table.append(String.format(Locale.ROOT, "| iterations to 1e-6 gap | %s | %s | |%n", reached(mllibToTarget), reached(descentToTarget)));
        table.append(String.format(Locale.ROOT, "| fit time to 1e-6 gap | %s | %s | %s |%n",
                mllibShort == null ? "not reached" : String.format(Locale.ROOT, "%.2f s", mllibShort.seconds),
                descentShort == null ? "not reached" : String.format(Locale.ROOT, "%.2f s", descentShort.seconds),
                mllibShort == null || descentShort == null ? "" : String.format(Locale.ROOT, "%.1fx", mllibShort.seconds / descentShort.seconds)));
        table.append(String.format(Locale.ROOT, "| long run: iterations, time | %d, %.2f s | %d (%d passes), %.2f s | |%n",
                mllibLong.iterations, mllibLong.seconds, descentLong.iterations, descentLong.summary.passes(), descentLong.seconds));
        table.append("\nSpark's overhead: descent on local[2] against descent in one process (cpu backend, 2 threads), same rows\n\n");
        table.append("| | local[2] | one process | ratio |\n|---|---|---|---|\n");
        double sparkPerPass = descentLong.summary.millisPerPass();
        table.append(String.format(Locale.ROOT, "| time per pass over the data | %.1f ms | %.1f ms | %.2fx |%n", sparkPerPass,
                singlePerPass, sparkPerPass / singlePerPass));
        table.append(String.format(Locale.ROOT, "| time per iteration (long run) | %.1f ms | %.1f ms | %.2fx |%n",
                descentLong.summary.solverTimeMillis() / descentLong.iterations,
                single.medianStepMillis() * single.epochs() / Math.max(1, single.steps()),
                (descentLong.summary.solverTimeMillis() / descentLong.iterations)
                        / (single.medianStepMillis() * single.epochs() / Math.max(1, single.steps()))));
        table.append(String.format(Locale.ROOT, "| of a pass: the slowest partition's sums, the rest (job, aggregation, driver) | %.1f ms, %.1f ms | | |%n",
                descentLong.summary.partitionMillis() / descentLong.summary.passes(), descentLong.summary.overheadMillisPerPass()));
        table.append(String.format(Locale.ROOT, "| iterations, passes, objective | %d, %d, %.10g | %d, %d, %.10g | |%n",
                descentLong.iterations, descentLong.summary.passes(), min(descentLong.history), single.steps(), single.epochs(),
                single.objective()));
        log(out, table.toString());
        log(out, "descent's executors: " + descentLong.summary.backends() + "; warm-up fit " + warm.status());
        Files.writeString(out.resolve("table-" + problem + ".md"), table.toString());
        spark.stop();
    }

    /** Row i's features into x and its label: a fixed model plus noise, features of scales 1 .. 1 + j/8. */
    static double row(int i, int features, int classes, double[] x) {
        SplittableRandom random = new SplittableRandom(SEED * 1_000_003L + i);
        int outputs = classes == 2 ? 1 : classes;
        for (int j = 0; j < features; j++) {
            x[j] = (float) (random.nextGaussian() * (1 + j / 8.0));
        }
        SplittableRandom model = new SplittableRandom(SEED);
        double best = Double.NEGATIVE_INFINITY;
        double label = 0;
        for (int c = 0; c < outputs; c++) {
            double margin = 0;
            for (int j = 0; j < features; j++) {
                margin += model.nextGaussian() / Math.sqrt(features) * x[j] / (1 + j / 8.0);
            }
            if (outputs == 1) {
                return random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
            }
            double noisy = margin - Math.log(-Math.log(random.nextDouble()));
            if (noisy > best) {
                best = noisy;
                label = c;
            }
        }
        return label;
    }

    record Run(double[] history, int iterations, double seconds, TrainingSummary summary) {
    }

    static Run mllib(org.apache.spark.sql.Dataset<Row> frame, double regParam, int maxIter) {
        long start = System.nanoTime();
        LogisticRegressionModel model = new LogisticRegression().setRegParam(regParam).setStandardization(false).setTol(0)
                .setMaxIter(maxIter).fit(frame);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(model.summary().objectiveHistory(), model.summary().totalIterations(), seconds, null);
    }

    static Run descent(org.apache.spark.sql.Dataset<Row> frame, double regParam, int maxIter) {
        long start = System.nanoTime();
        DescentLogisticRegressionModel model = new DescentLogisticRegression().setRegParam(regParam).setStandardization(false)
                .setTol(0).setMaxIter(maxIter).fit(frame);
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainingSummary summary = model.summary();
        return new Run(summary.objectiveHistory(), summary.totalIterations(), seconds, summary);
    }

    static double marginal(Run longer, Run shorter) {
        int iterations = longer.iterations - shorter.iterations;
        return iterations <= 0 ? Double.NaN : (longer.seconds - shorter.seconds) * 1e3 / iterations;
    }

    static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    /** The first iteration whose objective is at or below target (history[0] is the start), or -1. */
    static int firstAtOrBelow(double[] history, double target) {
        for (int k = 0; k < history.length; k++) {
            if (history[k] <= target) {
                return Math.max(k, 1);
            }
        }
        return -1;
    }

    static String reached(int iterations) {
        return iterations < 0 ? "not reached" : Integer.toString(iterations);
    }

    static void log(Path out, String line) throws IOException {
        System.out.println(line);
        Files.writeString(out.resolve("log.txt"), line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
