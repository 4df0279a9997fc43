package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each bad input is one IllegalArgumentException naming the column (and the row), before any iteration. */
class BadInputTest {

    private static Dataset<Row> frame(List<Row> rows, int partitions) {
        return SparkTests.spark().createDataFrame(rows, SparkTests.SCHEMA).coalesce(partitions);
    }

    private static List<Row> good() {
        return List.of(RowFactory.create(Vectors.dense(1, 2), 0.0, 1.0), RowFactory.create(Vectors.dense(2, 1), 1.0, 1.0),
                RowFactory.create(Vectors.dense(0, 3), 1.0, 1.0), RowFactory.create(Vectors.dense(3, 0), 0.0, 1.0));
    }

    private static List<Row> with(Row bad) {
        List<Row> rows = new java.util.ArrayList<>(good());
        rows.add(bad);
        return rows;
    }

    private static void assertRefused(Executable fit, String... words) {
        long passes = PartitionCache.uploads();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fit);
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), "'" + e.getMessage() + "' does not name " + word);
        }
        assertTrue(PartitionCache.uploads() == passes, "a backend was filled before the input was refused");
    }

    @Test
    void missingColumns() {
        Dataset<Row> data = frame(good(), 1);
        assertRefused(() -> new DescentLogisticRegression().setFeaturesCol("pixels").fit(data), "pixels");
        assertRefused(() -> new DescentLinearRegression().setLabelCol("price").fit(data), "price");
        assertRefused(() -> new DescentLogisticRegression().setWeightCol("importance").fit(data), "importance");
    }

    @Test
    void labelsOutsideTheClasses() {
        assertRefused(() -> new DescentLogisticRegression().fit(frame(with(RowFactory.create(Vectors.dense(1, 1), 2.5, 1.0)), 1)),
                "'label'", "2.5", "row 4");
        assertRefused(() -> new DescentLogisticRegression().fit(frame(with(RowFactory.create(Vectors.dense(1, 1), -1.0, 1.0)), 1)),
                "'label'", "-1.0");
        Dataset<Row> declared = frame(with(RowFactory.create(Vectors.dense(1, 1), 3.0, 1.0)), 1).withColumn("label",
                functions.col("label"), NominalAttribute.defaultAttr().withNumValues(2).toMetadata());
        assertRefused(() -> new DescentLogisticRegression().fit(declared), "'label'", "3.0", "2 classes");
        assertRefused(() -> new DescentLinearRegression().fit(frame(with(RowFactory.create(Vectors.dense(1, 1), Double.NaN, 1.0)), 1)),
                "'label'", "NaN");
    }

    @Test
    void nonFiniteFeatures() {
        assertRefused(() -> new DescentLogisticRegression().fit(frame(with(RowFactory.create(Vectors.dense(1, Double.NaN), 1.0, 1.0)), 1)),
                "'features'", "NaN", "index 1", "row 4");
        assertRefused(() -> new DescentLinearRegression().fit(frame(with(RowFactory.create(Vectors.dense(1e300, 1), 1.0, 1.0)), 1)),
                "'features'", "float32");
    }

    @Test
    void vectorsOfDifferentSizes() {
        assertRefused(() -> new DescentLogisticRegression().fit(frame(with(RowFactory.create(Vectors.dense(1, 2, 3), 1.0, 1.0)), 1)),
                "'features'", "size 3", "row 4");
        // the odd row alone in a partition of its own: found when the partitions' summaries are added
        List<Row> rows = new java.util.ArrayList<>(good());
        rows.add(RowFactory.create(Vectors.sparse(5, new int[] {0}, new double[] {1}), 1.0, 1.0));
        Dataset<Row> split = SparkTests.spark().createDataFrame(rows, SparkTests.SCHEMA).repartition(5);
        assertRefused(() -> new DescentLogisticRegression().fit(split), "differ in size");
    }

    @Test
    void negativeOrMissingWeights() {
        assertRefused(() -> new DescentLogisticRegression().setWeightCol("weight")
                .fit(frame(with(RowFactory.create(Vectors.dense(1, 1), 1.0, -1.0)), 1)), "'weight'", "-1.0", "row 4");
        assertRefused(() -> new DescentLinearRegression().setWeightCol("weight")
                .fit(frame(with(RowFactory.create(Vectors.dense(1, 1), 1.0, null)), 1)), "'weight'", "NaN");
        List<Row> zero = List.of(RowFactory.create(Vectors.dense(1, 2), 0.0, 0.0), RowFactory.create(Vectors.dense(2, 1), 1.0, 0.0));
        assertRefused(() -> new DescentLogisticRegression().setWeightCol("weight").fit(frame(zero, 1)), "positive weight");
    }

    @Test
    void paramsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new DescentLogisticRegression().setRegParam(-1));
        assertThrows(IllegalArgumentException.class, () -> new DescentLogisticRegression().setElasticNetParam(1.5));
        assertThrows(IllegalArgumentException.class, () -> new DescentLogisticRegression().setAggregationDepth(1));
        assertThrows(IllegalArgumentException.class, () -> new DescentLogisticRegression().setSolver("newton"));
        assertRefused(() -> new DescentLogisticRegression().setSolver("owlqn").fit(frame(good(), 1)), "owlqn");
        assertRefused(() -> new DescentLogisticRegression().setBackend("abacus").fit(frame(good(), 1)), "abacus");
    }
}
