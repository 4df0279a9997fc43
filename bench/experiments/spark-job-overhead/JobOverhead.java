import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * What one pass of a distributed fit costs Spark itself on local[2], with no work in the tasks: a job
 * over a cached 2-partition RDD returning one array of P doubles per partition, in the variants a
 * pass could take. Median of 200 jobs after 200 of warm-up, per variant, in milliseconds.
 * Usage: JobOverhead [PARAMETERS]
 */
public final class JobOverhead {
    public static void main(String[] args) {
        int parameters = args.length > 0 ? Integer.parseInt(args[0]) : 65;
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<double[]> blocks = context.parallelize(List.of(0, 1), 2).map(i -> new double[1000])
                .persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        double[] point = new double[parameters];
        report("collect, parameters in the closure", () -> {
            double[] p = point.clone();
            blocks.mapPartitions(it -> List.of(p.clone()).iterator()).collect();
        });
        report("collect, parameters broadcast then destroyed", () -> {
            Broadcast<double[]> p = context.broadcast(point.clone());
            blocks.mapPartitions(it -> List.of(p.value().clone()).iterator()).collect();
            p.destroy();
        });
        report("collect, parameters broadcast then unpersisted (not blocking)", () -> {
            Broadcast<double[]> p = context.broadcast(point.clone());
            blocks.mapPartitions(it -> List.of(p.value().clone()).iterator()).collect();
            p.unpersist(false);
        });
        report("keyed by partition (two narrow maps), closure", () -> {
            double[] p = point.clone();
            blocks.mapPartitionsWithIndex((i, it) -> List.of(new scala.Tuple2<>(i, p.clone())).iterator(), true)
                    .mapToPair(t -> t).collect();
        });
        report("treeAggregate depth 2, closure", () -> {
            double[] p = point.clone();
            blocks.mapPartitions(it -> List.of(p.clone()).iterator())
                    .treeAggregate(new double[parameters], (a, b) -> a, (a, b) -> a, 2);
        });
        // the same job on blocks made from a cached DataFrame's rows, as a fit makes them: the lineage
        // (the SQL plan under toJavaRDD) travels in every job's task binary
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = spark.range(0, 100000, 1, 2).toDF("id")
                .selectExpr("id", "cast(id as double) as x", "cast(id % 2 as double) as label").cache();
        frame.count();
        JavaRDD<double[]> fromFrame = frame.toJavaRDD().mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(new double[n]).iterator();
        }).persist(StorageLevel.MEMORY_AND_DISK());
        fromFrame.count();
        report("collect on blocks from a DataFrame, closure", () -> {
            double[] p = point.clone();
            fromFrame.mapPartitions(it -> List.of(p.clone()).iterator()).collect();
        });
        // blocks the size of a fit's (two partitions of 500,000 x 64 float32): is reading a large cached
        // block more than a lookup?
        JavaRDD<float[]> large = context.parallelize(List.of(0, 1), 2).map(i -> new float[32_000_000])
                .persist(StorageLevel.MEMORY_AND_DISK());
        large.count();
        report("collect on two cached blocks of 128 MB, closure", () -> {
            double[] p = point.clone();
            large.mapPartitions(it -> List.of(p.clone()).iterator()).collect();
        });
        // the scheduler's cost per task: trivial jobs over more and more partitions
        for (int partitions : new int[] {2, 32, 256}) {
            JavaRDD<Integer> many = context.parallelize(java.util.stream.IntStream.range(0, partitions).boxed().toList(),
                    partitions).persist(StorageLevel.MEMORY_AND_DISK());
            many.count();
            report("collect over " + partitions + " partitions, closure", () -> {
                double[] p = point.clone();
                many.mapPartitions(it -> List.of(p.clone()).iterator()).collect();
            });
        }
        // the driver's merge: adding 1,000 vectors of the parameters' size, per double
        double[] sum = new double[parameters];
        double[] other = new double[parameters];
        long start = System.nanoTime();
        for (int r = 0; r < 1000; r++) {
            for (int j = 0; j < parameters; j++) {
                sum[j] += other[j];
            }
        }
        System.out.printf("adding vectors of %d doubles: %.2f ns per double%n", parameters,
                (System.nanoTime() - start) / 1000.0 / parameters);
        spark.stop();
    }

    interface Job {
        void run();
    }

    static void report(String name, Job job) {
        for (int i = 0; i < 200; i++) {
            job.run();
        }
        double[] millis = new double[200];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            job.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf("%-62s median %6.2f ms, quartiles %6.2f %6.2f%n", name, millis[100], millis[50], millis[150]);
    }
}
