package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * Least-squares linear regression fitted by descent: MLlib's {@code LinearRegression} objective and
 * params (squared error, elastic net), with the partitions' passes on descent's backends and descent's
 * L-BFGS (OWL-QN with an L1 part) on the driver.
 *
 * <pre>{@code
 * DescentLinearRegressionModel model = new DescentLinearRegression().setRegParam(0.1).fit(training);
 * model.transform(test);             // prediction
 * }</pre>
 */
public final class DescentLinearRegression
        extends Regressor<Vector, DescentLinearRegression, DescentLinearRegressionModel>
        implements DescentParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private DescentParams.Set params;

    public DescentLinearRegression() {
        this(Uids.pending(null));
    }

    public DescentLinearRegression(String uid) {
        this(Uids.pending(uid));
    }

    private DescentLinearRegression(Uids.Pending token) {
        super();
        descentParams();
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

    public DescentLinearRegression setRegParam(double value) {
        return (DescentLinearRegression) set(regParam(), value);
    }

    public DescentLinearRegression setElasticNetParam(double value) {
        return (DescentLinearRegression) set(elasticNetParam(), value);
    }

    public DescentLinearRegression setMaxIter(int value) {
        return (DescentLinearRegression) set(maxIter(), value);
    }

    public DescentLinearRegression setTol(double value) {
        return (DescentLinearRegression) set(tol(), value);
    }

    public DescentLinearRegression setFitIntercept(boolean value) {
        return (DescentLinearRegression) set(fitIntercept(), value);
    }

    public DescentLinearRegression setStandardization(boolean value) {
        return (DescentLinearRegression) set(standardization(), value);
    }

    public DescentLinearRegression setAggregationDepth(int value) {
        return (DescentLinearRegression) set(aggregationDepth(), value);
    }

    public DescentLinearRegression setWeightCol(String value) {
        return (DescentLinearRegression) set(weightCol(), value);
    }

    public DescentLinearRegression setBackend(String value) {
        return (DescentLinearRegression) set(backend(), value);
    }

    public DescentLinearRegression setSolver(String value) {
        return (DescentLinearRegression) set(solver(), value);
    }

    @Override
    public DescentLinearRegressionModel train(Dataset<?> dataset) {
        requireSolverFits();
        DistributedFit.Result result = DistributedFit.run(dataset, new DistributedFit.Settings(false, getFeaturesCol(),
                getLabelCol(), weightColumnOrNull(), getRegParam(), getElasticNetParam(), getFitIntercept(),
                getStandardization(), getMaxIter(), getTol(), getAggregationDepth(), backendName()));
        return new DescentLinearRegressionModel(uid(), result.weights()[0], result.intercepts()[0], result.summary());
    }

    @Override
    public DescentLinearRegression copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ParamsFiles.saveMetadata(DescentLinearRegression.this, path, sc());
            }
        };
    }

    public static MLReader<DescentLinearRegression> read() {
        return new MLReader<>() {
            @Override
            public DescentLinearRegression load(String path) {
                JsonNode metadata = ParamsFiles.readMetadata(path, sc(), DescentLinearRegression.class);
                DescentLinearRegression estimator = new DescentLinearRegression(metadata.path("uid").asText());
                ParamsFiles.applyParams(metadata, estimator);
                return estimator;
            }
        };
    }

    public static DescentLinearRegression load(String path) {
        return read().load(path);
    }
}
