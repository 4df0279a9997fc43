package dev.descent.spark.examples;

import dev.descent.spark.DescentLinearRegression;
import dev.descent.spark.DescentLinearRegressionModel;
import dev.descent.spark.DescentLogisticRegression;
import dev.descent.spark.DescentLogisticRegressionModel;
import dev.descent.spark.TrainingSummary;
import java.util.Locale;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Fits a model from a file on Spark and scores it on a held-out fifth of the rows.
 *
 * <pre>
 * FitFile FILE [logistic|linear] [REG_PARAM] [MODEL_DIR]
 * </pre>
 * FILE is LIBSVM (labels 0..k-1, or -1/+1 which become 0/1) or Parquet with a vector column
 * {@code features} and a numeric {@code label}. The master is spark-submit's, or {@code local[*]} when
 * none is given. Prints the fit's summary and the held-out accuracy (or RMSE); saves the model to
 * MODEL_DIR when given.
 */
public final class FitFile {
    private FitFile() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: FitFile FILE [logistic|linear] [REG_PARAM] [MODEL_DIR]");
            System.exit(2);
        }
        SparkSession.Builder builder = SparkSession.builder().appName("descent FitFile");
        if (System.getProperty("spark.master") == null) {
            builder = builder.master("local[*]"); // not under spark-submit, which sets the master
        }
        SparkSession spark = builder.getOrCreate();
        try {
            System.out.println(run(spark, args));
        } finally {
            spark.stop();
        }
    }

    /** The fit of {@code args} (as main's) on {@code spark}; returns the report main prints. */
    public static String run(SparkSession spark, String[] args) {
        String file = args[0];
        boolean classifier = args.length < 2 || args[1].equals("logistic");
        double regParam = args.length < 3 ? 1e-4 : Double.parseDouble(args[2]);
        Dataset<Row> data = file.endsWith(".parquet") ? spark.read().parquet(file) : spark.read().format("libsvm").load(file);
        if (classifier) {
            // LIBSVM's binary files label the classes -1 and +1; the estimator takes class indices
            data = data.withColumn("label", functions.when(functions.col("label").lt(0), 0.0).otherwise(functions.col("label")));
        }
        Dataset<Row>[] split = data.randomSplit(new double[] {0.8, 0.2}, 42);
        Dataset<Row> training = split[0].cache();
        Dataset<Row> test = split[1];
        TrainingSummary summary;
        String score;
        if (classifier) {
            DescentLogisticRegressionModel model = new DescentLogisticRegression().setRegParam(regParam).setMaxIter(500)
                    .setTol(1e-9).fit(training);
            summary = model.summary();
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
            score = String.format(Locale.ROOT, "held-out accuracy %.4f (%d classes)", accuracy, model.numClasses());
            save(model, args);
        } else {
            DescentLinearRegressionModel model = new DescentLinearRegression().setRegParam(regParam).setMaxIter(500)
                    .setTol(1e-9).fit(training);
            summary = model.summary();
            score = String.format(Locale.ROOT, "held-out RMSE %.6g", new RegressionEvaluator().evaluate(model.transform(test)));
            save(model, args);
        }
        return String.format(Locale.ROOT, "%s: %s after %d iterations (%d passes), objective %.10g, %.2f s; %s%nexecutors ran: %s",
                file, summary.status(), summary.totalIterations(), summary.passes(),
                summary.objectiveHistory()[summary.objectiveHistory().length - 1], summary.totalTimeMillis() / 1e3, score,
                summary.backends()) + (args.length >= 4 ? System.lineSeparator() + "model saved to " + args[3] : "");
    }

    private static void save(org.apache.spark.ml.util.MLWritable model, String[] args) {
        if (args.length >= 4) {
            try {
                model.write().overwrite().save(args[3]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
