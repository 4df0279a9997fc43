package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimators where MLlib's go: in a Pipeline, under a CrossValidator, saved and loaded. */
class PipelineAndPersistenceTest {
    @TempDir
    Path directory;

    /** Saving and loading use the active session; the first test to run may do nothing else with Spark. */
    @BeforeAll
    static void session() {
        SparkTests.spark();
    }

    /** Raw numeric columns, as a user's table has them: x0 .. x3 and a label. */
    private static Dataset<Row> table() {
        SparkTests.Data data = SparkTests.generate(2000, 4, 2, false, 2, 31);
        StructType schema = new StructType();
        for (int j = 0; j < 4; j++) {
            schema = schema.add("x" + j, DataTypes.DoubleType);
        }
        schema = schema.add("label", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.y().length; i++) {
            double[] x = data.x()[i];
            rows.add(RowFactory.create(x[0], x[1], x[2], x[3], data.y()[i]));
        }
        return SparkTests.spark().createDataFrame(rows, schema).repartition(2);
    }

    private static Pipeline pipeline(DescentLogisticRegression classifier) {
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                .setOutputCol("raw");
        StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true);
        return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, classifier});
    }

    @Test
    void pipelineFitsTransformsSavesAndLoads() throws Exception {
        Dataset<Row> table = table();
        PipelineModel model = pipeline(new DescentLogisticRegression().setRegParam(1e-3)).fit(table);
        Dataset<Row> scored = model.transform(table);
        double auc = new BinaryClassificationEvaluator().evaluate(scored);
        assertTrue(auc > 0.7, "area under ROC " + auc);
        String path = directory.resolve("pipeline-model").toString();
        model.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertArrayEquals(column(scored, "probability"), column(loaded.transform(table), "probability"));
        DescentLogisticRegressionModel stage = (DescentLogisticRegressionModel) loaded.stages()[2];
        assertEquals(1e-3, stage.getRegParam());
        assertFalse(stage.hasSummary());
    }

    @Test
    void crossValidatorChoosesAmongTheGrid() throws Exception {
        Dataset<Row> table = table();
        DescentLogisticRegression classifier = new DescentLogisticRegression();
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.regParam(), new double[] {1e-4, 1e-2, 1.0}).build();
        CrossValidator validator = new CrossValidator().setEstimator(pipeline(classifier)).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("logLoss")).setNumFolds(3).setSeed(7);
        CrossValidatorModel model = validator.fit(table);
        double[] metrics = model.avgMetrics();
        assertEquals(3, metrics.length);
        // a penalty of 1 on standardized features shrinks every probability toward the base rate: its held-out
        // log-loss must be the highest, and the one chosen another. (The area under the ROC curve, which
        // ignores the scores' scale, told the three apart by 1e-5 only.)
        assertTrue(metrics[2] > metrics[0] && metrics[2] > metrics[1], java.util.Arrays.toString(metrics));
        assertTrue(((DescentLogisticRegressionModel) ((PipelineModel) model.bestModel()).stages()[2]).getRegParam() < 1.0);
        String path = directory.resolve("cross-validator").toString();
        model.write().overwrite().save(path);
        CrossValidatorModel loaded = CrossValidatorModel.load(path);
        assertArrayEquals(column(model.transform(table), "prediction"), column(loaded.transform(table), "prediction"));
    }

    @Test
    void estimatorsSaveAndLoadTheirParams() throws Exception {
        DescentLogisticRegression classifier = new DescentLogisticRegression().setRegParam(0.5).setElasticNetParam(0.25)
                .setMaxIter(7).setBackend("reference").setWeightCol("w").setAggregationDepth(3);
        String path = directory.resolve("estimator").toString();
        classifier.save(path);
        DescentLogisticRegression loaded = DescentLogisticRegression.load(path);
        assertEquals(classifier.uid(), loaded.uid());
        assertEquals(0.5, loaded.getRegParam());
        assertEquals(0.25, loaded.getElasticNetParam());
        assertEquals(7, loaded.getMaxIter());
        assertEquals("reference", loaded.getBackend());
        assertEquals("w", loaded.getWeightCol());
        assertEquals(3, loaded.getAggregationDepth());
        assertEquals(classifier.explainParams(), loaded.explainParams());
        assertThrows(IllegalArgumentException.class, () -> DescentLinearRegression.load(path),
                "a logistic estimator's files are not a linear one");
    }

    @Test
    void linearModelSavesAndLoads() throws Exception {
        SparkTests.Data data = SparkTests.generate(1500, 3, 0, false, 2, 32);
        DescentLinearRegressionModel model = new DescentLinearRegression().setRegParam(0.01).fit(data.frame());
        String path = directory.resolve("linear").toString();
        model.write().overwrite().save(path);
        DescentLinearRegressionModel loaded = DescentLinearRegressionModel.load(path);
        assertArrayEquals(model.coefficients().toArray(), loaded.coefficients().toArray());
        assertEquals(model.intercept(), loaded.intercept());
        double rmse = new RegressionEvaluator().evaluate(loaded.transform(data.frame()));
        assertTrue(rmse < 0.6, "rmse " + rmse + " (noise 0.5)");
    }

    @Test
    void multinomialModelSavesAndLoads() throws Exception {
        SparkTests.Data data = SparkTests.generate(1500, 3, 3, false, 2, 33);
        DescentLogisticRegressionModel model = new DescentLogisticRegression().fit(data.frame());
        String path = directory.resolve("softmax").toString();
        model.write().overwrite().save(path);
        DescentLogisticRegressionModel loaded = DescentLogisticRegressionModel.load(path);
        assertEquals(3, loaded.numClasses());
        assertArrayEquals(model.coefficientMatrix().toArray(), loaded.coefficientMatrix().toArray());
        assertArrayEquals(column(model.transform(data.frame()), "probability"),
                column(loaded.transform(data.frame()), "probability"));
        assertThrows(IllegalStateException.class, loaded::coefficients, "a multinomial model has no single coefficient vector");
    }

    /** A column of numbers or vectors, flattened, in the frame's order. */
    private static double[] column(Dataset<Row> frame, String name) {
        List<Double> values = new ArrayList<>();
        for (Row row : frame.select(name).collectAsList()) {
            Object value = row.get(0);
            if (value instanceof Vector vector) {
                for (double v : vector.toArray()) {
                    values.add(v);
                }
            } else {
                values.add(((Number) value).doubleValue());
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
