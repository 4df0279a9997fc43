package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Spark fit against descent's single-machine fit of the same rows and objective (standardization
 * off, so MLlib's penalty is descent's l2 and l1 as they stand): the two add the same float32 sums in
 * different groupings, so they reach the same optimum to float32 rounding: objectives (computed here
 * in double) within OBJECTIVE_ROUNDING, and coefficients within what that rounding leaves free.
 */
class SingleMachineAgreementTest {
    /** Float32 data-term sums resolve the objective to about 1e-7 relative; both fits stop there. */
    static final double OBJECTIVE_ROUNDING = 1e-6;
    /**
     * Relative to the largest coefficient: an objective known to 1e-7 leaves a coefficient free by about
     * sqrt(1e-7 f / curvature), some 1e-4 to 1e-3 of its size on these problems.
     */
    static final double ROUNDING = 2e-3;

    @ParameterizedTest(name = "backend {0}")
    @ValueSource(strings = {"cpu", "reference"})
    void binaryWithWeights(String backend) {
        SparkTests.Data data = SparkTests.generate(4000, 7, 2, true, 4, 21);
        DescentLogisticRegressionModel spark = new DescentLogisticRegression().setRegParam(1e-3).setStandardization(false)
                .setWeightCol("weight").setBackend(backend).setTol(1e-12).setMaxIter(300).fit(data.frame());
        FitResult single = fitter(ModelKind.LOGISTIC).l2(1e-3).fit(local(data));
        assertClose(single.model(), MllibAgreementTest.rows(spark.coefficientMatrix()), spark.interceptVector().toArray());
        MllibAgreementTest.Objectives objective = new MllibAgreementTest.Objectives(data, 1e-3, 0, false);
        assertSameObjective(objective.logistic(single.model().weights(), single.model().intercepts()),
                objective.logistic(MllibAgreementTest.rows(spark.coefficientMatrix()), spark.interceptVector().toArray()));
        assertEquals(backend, spark.summary().backends().split(" ")[0]);
    }

    @Test
    void softmaxWithElasticNet() {
        SparkTests.Data data = SparkTests.generate(3000, 6, 3, false, 3, 22);
        DescentLogisticRegressionModel spark = new DescentLogisticRegression().setRegParam(2e-3).setElasticNetParam(0.5)
                .setStandardization(false).setTol(1e-12).setMaxIter(300).fit(data.frame());
        LinearModel single = fitter(ModelKind.SOFTMAX).l2(1e-3).l1(1e-3).fit(local(data)).model();
        double[] intercepts = single.intercepts().clone();
        // Spark's intercepts are centred (softmax is unchanged by a common shift); centre descent's too
        double mean = java.util.Arrays.stream(intercepts).average().orElseThrow();
        for (int c = 0; c < intercepts.length; c++) {
            intercepts[c] -= mean;
        }
        assertClose(new LinearModel(single.kind(), single.classes(), single.weights(), intercepts),
                MllibAgreementTest.rows(spark.coefficientMatrix()), spark.interceptVector().toArray());
        MllibAgreementTest.Objectives objective = new MllibAgreementTest.Objectives(data, 2e-3, 0.5, false);
        assertSameObjective(objective.logistic(single.weights(), single.intercepts()),
                objective.logistic(MllibAgreementTest.rows(spark.coefficientMatrix()), spark.interceptVector().toArray()));
    }

    @Test
    void leastSquares() {
        SparkTests.Data data = SparkTests.generate(3000, 5, 0, true, 3, 23);
        DescentLinearRegressionModel spark = new DescentLinearRegression().setWeightCol("weight").setTol(1e-12)
                .setMaxIter(300).fit(data.frame());
        LinearModel single = fitter(ModelKind.LINEAR).fit(local(data)).model();
        assertClose(single, new double[][] {spark.coefficients().toArray()}, new double[] {spark.intercept()});
    }

    /** Sparse vectors are kept sparse on the executors (CSR) and give the dense columns' optimum. */
    @Test
    void sparseVectorsAgreeWithDense() {
        SparkTests.Data data = SparkTests.generate(3000, 8, 2, false, 3, 24);
        List<Row> sparseRows = new ArrayList<>();
        for (Row row : data.frame().collectAsList()) {
            double[] x = ((Vector) row.get(0)).toArray();
            for (int j = 0; j < x.length; j += 2) {
                x[j] = 0; // every other feature zero, so the vectors are genuinely sparse
            }
            sparseRows.add(RowFactory.create(Vectors.dense(x).toSparse(), row.get(1), row.get(2)));
        }
        List<Row> denseRows = new ArrayList<>();
        for (Row row : sparseRows) {
            denseRows.add(RowFactory.create(((Vector) row.get(0)).toDense(), row.get(1), row.get(2)));
        }
        DescentLogisticRegression estimator = new DescentLogisticRegression().setRegParam(1e-3).setTol(1e-12).setMaxIter(300);
        DescentLogisticRegressionModel sparse = estimator.fit(SparkTests.spark().createDataFrame(sparseRows, SparkTests.SCHEMA)
                .repartition(3));
        DescentLogisticRegressionModel dense = estimator.fit(SparkTests.spark().createDataFrame(denseRows, SparkTests.SCHEMA)
                .repartition(3));
        MllibAgreementTest.assertClose(MllibAgreementTest.rows(dense.coefficientMatrix()),
                MllibAgreementTest.rows(sparse.coefficientMatrix()));
    }

    private static Fitter fitter(ModelKind kind) {
        return Fitter.of(kind).backend("cpu").tolerance(1e-12).maxEpochs(300);
    }

    private static Dataset local(SparkTests.Data data) {
        Dataset rows = Dataset.of(data.x(), data.y());
        if (data.weights() == null) {
            return rows;
        }
        float[] weights = new float[data.weights().length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) data.weights()[i];
        }
        return rows.withSampleWeights(weights);
    }

    private static void assertSameObjective(double single, double spark) {
        assertEquals(single, spark, OBJECTIVE_ROUNDING * Math.abs(single), "objective");
    }

    private static void assertClose(LinearModel expected, double[][] weights, double[] intercepts) {
        double largest = 0;
        for (double[] row : expected.weights()) {
            for (double v : row) {
                largest = Math.max(largest, Math.abs(v));
            }
        }
        for (int c = 0; c < weights.length; c++) {
            for (int j = 0; j < weights[c].length; j++) {
                assertEquals(expected.weights()[c][j], weights[c][j], ROUNDING * largest, "weight (" + c + ", " + j + ")");
            }
            assertEquals(expected.intercepts()[c], intercepts[c], ROUNDING * Math.max(largest, 1), "intercept " + c);
        }
    }
}
