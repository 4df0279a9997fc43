package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The estimators against MLlib's on the same data and params: the objectives correspond exactly (the
 * mapping is in DistributedFit and the README), so both reach one optimum. Compared by the objective
 * MLlib defines, computed here in double precision from each model's coefficients, and by the
 * coefficients themselves.
 */
class MllibAgreementTest {
    /**
     * Relative gap allowed between the two objectives: MLlib's L-BFGS at tol 1e-12 and descent's at its
     * float32 data term both stop within about 1e-7 of the optimum.
     */
    static final double OBJECTIVE_GAP = 1e-6;
    /** Coefficients agree to this, relative to the largest one: a flat optimum moves them more than the objective. */
    static final double COEFFICIENT_TOLERANCE = 2e-3;

    @ParameterizedTest(name = "binary, regParam {0}, elasticNetParam {1}, standardization {2}")
    @CsvSource({"0.01, 0, true", "0.01, 0, false", "0.02, 0.5, true", "0.02, 1, false", "0, 0, true"})
    void binaryLogisticRegression(double regParam, double elasticNet, boolean standardization) {
        SparkTests.Data data = SparkTests.generate(3000, 6, 2, true, 3, 11);
        DescentLogisticRegressionModel descent = new DescentLogisticRegression().setRegParam(regParam)
                .setElasticNetParam(elasticNet).setStandardization(standardization).setWeightCol("weight")
                .setTol(1e-12).setMaxIter(500).fit(data.frame());
        LogisticRegressionModel mllib = new LogisticRegression().setRegParam(regParam).setElasticNetParam(elasticNet)
                .setStandardization(standardization).setWeightCol("weight").setTol(1e-12).setMaxIter(1000)
                .fit(data.frame());
        Objectives objective = new Objectives(data, regParam, elasticNet, standardization);
        compare(objective.logistic(rows(descent.coefficientMatrix()), descent.interceptVector().toArray()),
                objective.logistic(rows(mllib.coefficientMatrix()), mllib.interceptVector().toArray()));
        assertClose(rows(mllib.coefficientMatrix()), rows(descent.coefficientMatrix()));
    }

    @ParameterizedTest(name = "multinomial, regParam {0}, elasticNetParam {1}")
    @CsvSource({"0.01, 0", "0.01, 0.5"})
    void multinomialLogisticRegression(double regParam, double elasticNet) {
        SparkTests.Data data = SparkTests.generate(3000, 5, 4, false, 4, 12);
        DescentLogisticRegressionModel descent = new DescentLogisticRegression().setRegParam(regParam)
                .setElasticNetParam(elasticNet).setTol(1e-12).setMaxIter(500).fit(data.frame());
        LogisticRegressionModel mllib = new LogisticRegression().setRegParam(regParam).setElasticNetParam(elasticNet)
                .setTol(1e-12).setMaxIter(1000).fit(data.frame());
        assertEquals(4, descent.numClasses());
        Objectives objective = new Objectives(data, regParam, elasticNet, true);
        compare(objective.logistic(rows(descent.coefficientMatrix()), descent.interceptVector().toArray()),
                objective.logistic(rows(mllib.coefficientMatrix()), mllib.interceptVector().toArray()));
        assertClose(rows(mllib.coefficientMatrix()), rows(descent.coefficientMatrix()));
    }

    @ParameterizedTest(name = "linear, regParam {0}, elasticNetParam {1}, standardization {2}")
    @CsvSource({"0.1, 0, true", "0.1, 0, false", "0.1, 0.5, true", "0.05, 1, false", "0, 0, true"})
    void linearRegression(double regParam, double elasticNet, boolean standardization) {
        SparkTests.Data data = SparkTests.generate(3000, 6, 0, true, 3, 13);
        DescentLinearRegressionModel descent = new DescentLinearRegression().setRegParam(regParam)
                .setElasticNetParam(elasticNet).setStandardization(standardization).setWeightCol("weight")
                .setTol(1e-12).setMaxIter(500).fit(data.frame());
        LinearRegressionModel mllib = new LinearRegression().setRegParam(regParam).setElasticNetParam(elasticNet)
                .setStandardization(standardization).setWeightCol("weight").setTol(1e-12).setMaxIter(1000)
                .setSolver("l-bfgs").fit(data.frame());
        Objectives objective = new Objectives(data, regParam, elasticNet, standardization);
        double[][] mine = {descent.coefficients().toArray()};
        double[][] theirs = {mllib.coefficients().toArray()};
        compare(objective.squared(mine, descent.intercept()), objective.squared(theirs, mllib.intercept()));
        assertClose(theirs, mine);
        assertEquals(mllib.intercept(), descent.intercept(), COEFFICIENT_TOLERANCE * Math.max(1, Math.abs(mllib.intercept())));
    }

    /** descent's objective is no more than OBJECTIVE_GAP above MLlib's (it may be lower). */
    private static void compare(double descent, double mllib) {
        assertTrue(descent <= mllib + OBJECTIVE_GAP * Math.abs(mllib),
                "descent's objective " + descent + " is above MLlib's " + mllib + " by " + (descent - mllib) / Math.abs(mllib));
        assertTrue(mllib <= descent + 1e-4 * Math.abs(descent), "MLlib's objective " + mllib + " is far below descent's "
                + descent + ": the objectives do not correspond");
    }

    static double[][] rows(Matrix matrix) {
        double[][] rows = new double[matrix.numRows()][matrix.numCols()];
        for (int c = 0; c < rows.length; c++) {
            for (int j = 0; j < rows[c].length; j++) {
                rows[c][j] = matrix.apply(c, j);
            }
        }
        return rows;
    }

    static void assertClose(double[][] expected, double[][] actual) {
        double largest = 0;
        for (double[] row : expected) {
            for (double v : row) {
                largest = Math.max(largest, Math.abs(v));
            }
        }
        for (int c = 0; c < expected.length; c++) {
            for (int j = 0; j < expected[c].length; j++) {
                assertEquals(expected[c][j], actual[c][j], COEFFICIENT_TOLERANCE * Math.max(largest, 1e-3),
                        "coefficient (" + c + ", " + j + ")");
            }
        }
    }

    /** MLlib's objectives, written out from its documentation, in double precision. */
    static final class Objectives {
        private final SparkTests.Data data;
        private final double regParam;
        private final double elasticNet;
        private final double[] deviation;
        private final double labelDeviation;

        Objectives(SparkTests.Data data, double regParam, double elasticNet, boolean standardization) {
            this.data = data;
            this.regParam = regParam;
            this.elasticNet = elasticNet;
            int d = data.x()[0].length;
            deviation = new double[d];
            for (int j = 0; j < d; j++) {
                int column = j;
                deviation[j] = standardization ? deviation(i -> data.x()[i][column]) : 1;
            }
            labelDeviation = deviation(i -> data.y()[i]);
        }

        /** Weighted standard deviation with the unbiased (reliability weights) denominator, as MLlib's Summarizer. */
        private double deviation(java.util.function.IntToDoubleFunction value) {
            double s = 0, sw = 0, sq = 0, ss = 0;
            for (int i = 0; i < data.y().length; i++) {
                double w = weight(i);
                double v = value.applyAsDouble(i);
                s += w;
                ss += w * w;
                sw += w * v;
                sq += w * v * v;
            }
            return Math.sqrt((sq - sw * sw / s) / (s - ss / s));
        }

        private double weight(int i) {
            return data.weights() == null ? 1 : data.weights()[i];
        }

        private double penalty(double[][] weights, double scale) {
            double l1 = 0, l2 = 0;
            for (double[] row : weights) {
                for (int j = 0; j < row.length; j++) {
                    double w = row[j] * deviation[j] / scale;
                    l1 += Math.abs(w);
                    l2 += w * w;
                }
            }
            return regParam * (elasticNet * l1 + (1 - elasticNet) / 2 * l2);
        }

        /** (1/S) sum s_i logloss_i + regParam (a ||w sigma||_1 + (1-a)/2 ||w sigma||^2), binary or softmax. */
        double logistic(double[][] weights, double[] intercepts) {
            double loss = 0, total = 0;
            for (int i = 0; i < data.y().length; i++) {
                double[] z = new double[weights.length];
                for (int c = 0; c < weights.length; c++) {
                    z[c] = intercepts[c];
                    for (int j = 0; j < weights[c].length; j++) {
                        z[c] += weights[c][j] * data.x()[i][j];
                    }
                }
                double term;
                int label = (int) data.y()[i];
                if (weights.length == 1) {
                    term = Math.log1p(Math.exp(-Math.abs(z[0]))) + Math.max(z[0], 0) - label * z[0];
                } else {
                    double largest = java.util.Arrays.stream(z).max().orElseThrow();
                    double sum = 0;
                    for (double v : z) {
                        sum += Math.exp(v - largest);
                    }
                    term = largest + Math.log(sum) - z[label];
                }
                loss += weight(i) * term;
                total += weight(i);
            }
            return loss / total + penalty(weights, 1);
        }

        /**
         * MLlib's least squares on its own scale: (1/2S) sum s_i (z_i - y_i)^2 / sigma_y^2 + the penalty on
         * w sigma / sigma_y, with regParam / sigma_y for its strength (LinearRegression fits scaled labels).
         */
        double squared(double[][] weights, double intercept) {
            double loss = 0, total = 0;
            for (int i = 0; i < data.y().length; i++) {
                double z = intercept;
                for (int j = 0; j < weights[0].length; j++) {
                    z += weights[0][j] * data.x()[i][j];
                }
                loss += weight(i) * (z - data.y()[i]) * (z - data.y()[i]);
                total += weight(i);
            }
            double scaled = loss / total / 2 / (labelDeviation * labelDeviation);
            double l1 = 0, l2 = 0;
            for (int j = 0; j < weights[0].length; j++) {
                double w = weights[0][j] * deviation[j] / labelDeviation;
                l1 += Math.abs(w);
                l2 += w * w;
            }
            double strength = regParam / labelDeviation;
            return scaled + strength * (elasticNet * l1 + (1 - elasticNet) / 2 * l2);
        }
    }
}
