package dev.descent.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One local Spark for every test class of the module, and generated data sets. */
final class SparkTests {
    /** Two cores, and up to four attempts per task so that a failed task is retried as on a cluster. */
    static final String MASTER = "local[2,4]";
    private static SparkSession session;

    private SparkTests() {
    }

    static synchronized SparkSession spark() {
        if (session == null) {
            session = SparkSession.builder()
                    .master(MASTER)
                    .appName("descent-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** A generated data set, as rows and as arrays for a single-machine fit. */
    record Data(double[][] x, double[] y, double[] weights, Dataset<Row> frame) {
    }

    static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType)
            .add("weight", DataTypes.DoubleType);

    /**
     * n rows of d features with scales 1 .. 1 + d (so standardization matters), labels of a linear model
     * (classes = 0), binary (2) or softmax (k > 2) one with noise; weights in [0.5, 2) when weighted, else 1.
     */
    static synchronized Data generate(int n, int d, int classes, boolean weighted, int partitions, long seed) {
        // parameterized tests ask for the same set again: one cached frame each (Spark warns on caching a plan twice)
        return GENERATED.computeIfAbsent(List.of(n, d, classes, weighted, partitions, seed),
                key -> generateOnce(n, d, classes, weighted, partitions, seed));
    }

    private static final java.util.Map<List<Object>, Data> GENERATED = new java.util.HashMap<>();

    private static Data generateOnce(int n, int d, int classes, boolean weighted, int partitions, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int outputs = Math.max(1, classes == 2 ? 1 : classes);
        double[][] truth = new double[outputs][d];
        for (double[] row : truth) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian() / (1 + j);
            }
        }
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] w = new double[n];
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // float32 values, so the single-machine fit and the partitions see the same numbers
                x[i][j] = (float) ((random.nextGaussian() + 0.3) * (1 + j));
            }
            double[] margins = new double[outputs];
            for (int c = 0; c < outputs; c++) {
                for (int j = 0; j < d; j++) {
                    margins[c] += truth[c][j] * x[i][j];
                }
                margins[c] += 0.5 * c;
            }
            if (classes == 0) {
                y[i] = (float) (margins[0] + 0.5 + random.nextGaussian() * 0.5);
            } else if (classes == 2) {
                y[i] = random.nextDouble() < 1 / (1 + Math.exp(-margins[0])) ? 1 : 0;
            } else {
                double best = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < outputs; c++) {
                    double noisy = margins[c] - Math.log(-Math.log(random.nextDouble()));
                    if (noisy > best) {
                        best = noisy;
                        y[i] = c;
                    }
                }
            }
            w[i] = weighted ? (float) (0.5 + 1.5 * random.nextDouble()) : 1;
            rows.add(RowFactory.create(Vectors.dense(x[i]), y[i], w[i]));
        }
        Dataset<Row> frame = spark().createDataFrame(rows, SCHEMA).repartition(partitions).cache();
        return new Data(x, y, weighted ? w : null, frame);
    }
}
