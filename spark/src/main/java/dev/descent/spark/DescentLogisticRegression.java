package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * Logistic regression, binary or multinomial (softmax) by the labels, fitted by descent: MLlib's
 * {@code LogisticRegression} objective and params, with the partitions' passes on descent's backends
 * and descent's L-BFGS (OWL-QN with an L1 part) on the driver.
 *
 * <pre>{@code
 * DescentLogisticRegressionModel model = new DescentLogisticRegression()
 *         .setRegParam(1e-4)
 *         .setMaxIter(200)
 *         .fit(training);            // features: a vector column; label: 0, 1, ..., k-1
 * model.transform(test);             // rawPrediction, probability, prediction
 * }</pre>
 * Labels are class indices 0, 1, ..., k-1 (k = the largest label + 1, at least 2; binary for k = 2).
 */
public final class DescentLogisticRegression
        extends ProbabilisticClassifier<Vector, DescentLogisticRegression, DescentLogisticRegressionModel>
        implements DescentParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid;
    private DescentParams.Set params;

    public DescentLogisticRegression() {
        this(Uids.pending(null));
    }

    public DescentLogisticRegression(String uid) {
        this(Uids.pending(uid));
    }

    private DescentLogisticRegression(Uids.Pending token) {
        super();
        descentParams();
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

    public DescentLogisticRegression setRegParam(double value) {
        return (DescentLogisticRegression) set(regParam(), value);
    }

    public DescentLogisticRegression setElasticNetParam(double value) {
        return (DescentLogisticRegression) set(elasticNetParam(), value);
    }

    public DescentLogisticRegression setMaxIter(int value) {
        return (DescentLogisticRegression) set(maxIter(), value);
    }

    public DescentLogisticRegression setTol(double value) {
        return (DescentLogisticRegression) set(tol(), value);
    }

    public DescentLogisticRegression setFitIntercept(boolean value) {
        return (DescentLogisticRegression) set(fitIntercept(), value);
    }

    public DescentLogisticRegression setStandardization(boolean value) {
        return (DescentLogisticRegression) set(standardization(), value);
    }

    public DescentLogisticRegression setAggregationDepth(int value) {
        return (DescentLogisticRegression) set(aggregationDepth(), value);
    }

    public DescentLogisticRegression setWeightCol(String value) {
        return (DescentLogisticRegression) set(weightCol(), value);
    }

    public DescentLogisticRegression setBackend(String value) {
        return (DescentLogisticRegression) set(backend(), value);
    }

    public DescentLogisticRegression setSolver(String value) {
        return (DescentLogisticRegression) set(solver(), value);
    }

    @Override
    public DescentLogisticRegressionModel train(Dataset<?> dataset) {
        requireSolverFits();
        DistributedFit.Result result = DistributedFit.run(dataset, new DistributedFit.Settings(true, getFeaturesCol(),
                getLabelCol(), weightColumnOrNull(), getRegParam(), getElasticNetParam(), getFitIntercept(),
                getStandardization(), getMaxIter(), getTol(), getAggregationDepth(), backendName()));
        return new DescentLogisticRegressionModel(uid(), result.classes(), result.weights(), result.intercepts(),
                result.summary());
    }

    @Override
    public DescentLogisticRegression copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ParamsFiles.saveMetadata(DescentLogisticRegression.this, path, sc());
            }
        };
    }

    public static MLReader<DescentLogisticRegression> read() {
        return new MLReader<>() {
            @Override
            public DescentLogisticRegression load(String path) {
                JsonNode metadata = ParamsFiles.readMetadata(path, sc(), DescentLogisticRegression.class);
                DescentLogisticRegression estimator = new DescentLogisticRegression(metadata.path("uid").asText());
                ParamsFiles.applyParams(metadata, estimator);
                return estimator;
            }
        };
    }

    public static DescentLogisticRegression load(String path) {
        return read().load(path);
    }
}
