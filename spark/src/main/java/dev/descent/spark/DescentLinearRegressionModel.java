package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted {@link DescentLinearRegression}: weights and intercept in the original features' scale. */
public final class DescentLinearRegressionModel extends RegressionModel<Vector, DescentLinearRegressionModel>
        implements DescentParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private DescentParams.Set params;
    private final double[] weights;
    private final double intercept;
    private final TrainingSummary summary;

    DescentLinearRegressionModel(String uid, double[] weights, double intercept, TrainingSummary summary) {
        this(Uids.pending(uid), weights, intercept, summary);
    }

    private DescentLinearRegressionModel(Uids.Pending token, double[] weights, double intercept, TrainingSummary summary) {
        super();
        descentParams();
        this.weights = weights;
        this.intercept = intercept;
        this.summary = summary;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("descentLinReg");
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
    public int numFeatures() {
        return weights.length;
    }

    public Vector coefficients() {
        return Vectors.dense(weights.clone());
    }

    public double intercept() {
        return intercept;
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
    public double predict(Vector features) {
        Margins.requireSize(features, weights.length);
        return Margins.margin(weights, intercept, features);
    }

    @Override
    public DescentLinearRegressionModel copy(ParamMap extra) {
        DescentLinearRegressionModel copy = new DescentLinearRegressionModel(uid(), weights, intercept, summary);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        DescentLinearRegressionModel model = this;
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ParamsFiles.saveMetadata(model, path, sc());
                StructType schema = new StructType()
                        .add("intercept", DataTypes.DoubleType)
                        .add("coefficients", SQLDataTypes.VectorType());
                Row row = RowFactory.create(intercept, coefficients());
                sparkSession().createDataFrame(List.of(row), schema).repartition(1).write().parquet(path + "/data");
            }
        };
    }

    public static MLReader<DescentLinearRegressionModel> read() {
        return new MLReader<>() {
            @Override
            public DescentLinearRegressionModel load(String path) {
                JsonNode metadata = ParamsFiles.readMetadata(path, sc(), DescentLinearRegressionModel.class);
                Row data = sparkSession().read().parquet(path + "/data").first();
                DescentLinearRegressionModel model = new DescentLinearRegressionModel(metadata.path("uid").asText(),
                        ((Vector) data.get(1)).toArray(), data.getDouble(0), null);
                ParamsFiles.applyParams(metadata, model);
                return model;
            }
        };
    }

    public static DescentLinearRegressionModel load(String path) {
        return read().load(path);
    }
}
