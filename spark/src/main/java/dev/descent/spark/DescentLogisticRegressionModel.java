package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link DescentLogisticRegression}: k rows of weights and intercepts in the original
 * features' scale (one row for a binary model, whose rawPrediction is [-m, m] and probability
 * [1 - sigmoid(m), sigmoid(m)], as MLlib's). Saves and loads as MLlib's stages do.
 */
public final class DescentLogisticRegressionModel
        extends ProbabilisticClassificationModel<Vector, DescentLogisticRegressionModel>
        implements DescentParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private DescentParams.Set params;
    private final int classes;
    private final double[][] weights;
    private final double[] intercepts;
    private final TrainingSummary summary;

    DescentLogisticRegressionModel(String uid, int classes, double[][] weights, double[] intercepts, TrainingSummary summary) {
        this(Uids.pending(uid), classes, weights, intercepts, summary);
    }

    private DescentLogisticRegressionModel(Uids.Pending token, int classes, double[][] weights, double[] intercepts,
                                           TrainingSummary summary) {
        super();
        descentParams();
        this.classes = classes;
        this.weights = weights;
        this.intercepts = intercepts;
        this.summary = summary;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("descentLogReg");
        }
        return uid;
    }

    @Override
    public DescentParams.Set descentParams() {
        if (params == null) {
            params = DescentParams.Set.of(this);
        }
        return params;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public int numFeatures() {
        return weights[0].length;
    }

    /** Whether the model is binary (one row of weights) rather than multinomial. */
    public boolean isBinary() {
        return weights.length == 1;
    }

    /** The (1 or k, features) weights. */
    public Matrix coefficientMatrix() {
        int rows = weights.length;
        int columns = numFeatures();
        double[] values = new double[rows * columns];
        for (int c = 0; c < rows; c++) {
            for (int j = 0; j < columns; j++) {
                values[j * rows + c] = weights[c][j];
            }
        }
        return new DenseMatrix(rows, columns, values);
    }

    /** The 1 or k intercepts. */
    public Vector interceptVector() {
        return Vectors.dense(intercepts.clone());
    }

    /** A binary model's weights. */
    public Vector coefficients() {
        requireBinary("coefficients");
        return Vectors.dense(weights[0].clone());
    }

    /** A binary model's intercept. */
    public double intercept() {
        requireBinary("intercept");
        return intercepts[0];
    }

    /** Whether this model came from a fit (loaded models carry no summary, as MLlib's). */
    public boolean hasSummary() {
        return summary != null;
    }

    /** How the fit went; only on a model that came from a fit. */
    public TrainingSummary summary() {
        if (summary == null) {
            throw new NoSuchElementException("no training summary: this model was loaded or copied, not fitted");
        }
        return summary;
    }

    @Override
    public Vector predictRaw(Vector features) {
        Margins.requireSize(features, numFeatures());
        if (isBinary()) {
            double margin = Margins.margin(weights[0], intercepts[0], features);
            return Vectors.dense(-margin, margin);
        }
        double[] margins = new double[classes];
        for (int c = 0; c < classes; c++) {
            margins[c] = Margins.margin(weights[c], intercepts[c], features);
        }
        return Vectors.dense(margins);
    }

    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] values = ((DenseVector) rawPrediction).values();
        if (isBinary()) {
            double positive = 1 / (1 + Math.exp(-values[1]));
            values[0] = 1 - positive;
            values[1] = positive;
            return rawPrediction;
        }
        double largest = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            largest = Math.max(largest, v);
        }
        double sum = 0;
        for (int c = 0; c < values.length; c++) {
            values[c] = Math.exp(values[c] - largest);
            sum += values[c];
        }
        for (int c = 0; c < values.length; c++) {
            values[c] /= sum;
        }
        return rawPrediction;
    }

    /**
     * Spark's two declarations of this method (in ClassificationModel and ProbabilisticClassificationModel)
     * differ in a type argument Java cannot unify; this override picks the probabilistic one.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public DescentLogisticRegressionModel copy(ParamMap extra) {
        DescentLogisticRegressionModel copy = new DescentLogisticRegressionModel(uid(), classes, weights, intercepts, summary);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        DescentLogisticRegressionModel model = this;
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ParamsFiles.saveMetadata(model, path, sc());
                StructType schema = new StructType()
                        .add("numClasses", DataTypes.IntegerType)
                        .add("numFeatures", DataTypes.IntegerType)
                        .add("interceptVector", SQLDataTypes.VectorType())
                        .add("coefficientMatrix", SQLDataTypes.MatrixType());
                Row row = RowFactory.create(classes, numFeatures(), interceptVector(), coefficientMatrix());
                sparkSession().createDataFrame(List.of(row), schema).repartition(1).write().parquet(path + "/data");
            }
        };
    }

    public static MLReader<DescentLogisticRegressionModel> read() {
        return new MLReader<>() {
            @Override
            public DescentLogisticRegressionModel load(String path) {
                JsonNode metadata = ParamsFiles.readMetadata(path, sc(), DescentLogisticRegressionModel.class);
                Row data = sparkSession().read().parquet(path + "/data").first();
                int classes = data.getInt(0);
                Vector intercepts = (Vector) data.get(2);
                Matrix matrix = (Matrix) data.get(3);
                double[][] weights = new double[matrix.numRows()][matrix.numCols()];
                for (int c = 0; c < matrix.numRows(); c++) {
                    for (int j = 0; j < matrix.numCols(); j++) {
                        weights[c][j] = matrix.apply(c, j);
                    }
                }
                DescentLogisticRegressionModel model = new DescentLogisticRegressionModel(metadata.path("uid").asText(),
                        classes, weights, intercepts.toArray(), null);
                ParamsFiles.applyParams(metadata, model);
                return model;
            }
        };
    }

    public static DescentLogisticRegressionModel load(String path) {
        return read().load(path);
    }

    private void requireBinary(String what) {
        if (!isBinary()) {
            throw new IllegalStateException(what + " is for a binary model; this one has " + classes
                    + " classes: use coefficientMatrix and interceptVector");
        }
    }
}
