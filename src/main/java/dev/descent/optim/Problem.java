package dev.descent.optim;

import dev.descent.ModelKind;
import dev.descent.loss.Loss;

/**
 * What a backend optimizes, apart from the data:
 * objective(w, b) = (1/S) sum_i s_i loss(z_i, y_i) + (l2/2) ||w||^2 + l1 ||w||_1.
 *
 * <p>Parameters travel as one flat vector of {@link #parameterCount()} values: the weights
 * (outputs, features) row-major, then one intercept per output. Intercepts are not penalized;
 * without an intercept they stay 0. For softmax the labels are class indices 0..outputs-1.
 *
 * @param loss      the loss (see {@link Loss})
 * @param outputs   1 for a one-output loss, k for softmax
 * @param features  d, the number of columns of X
 * @param intercept whether b is fitted
 * @param l2        ridge strength (in the gradient)
 * @param l1        lasso strength (a proximal soft threshold in the update)
 * @param optimizer the update rule
 * @param featureMean  the centre of each feature for the optimizer's change of variables, or null for 0
 *                     (only with an intercept); see {@link ParameterUpdate}
 * @param featureScale the scale of each feature for that change of variables, or null for 1
 * @param lossParameter the loss's parameter (Huber's delta), NaN for losses without one
 */
public record Problem(Loss loss, int outputs, int features, boolean intercept, double l2, double l1,
                      Optimizer optimizer, double[] featureMean, double[] featureScale, double lossParameter) {

    /** A problem of a model's loss (with its default parameter). */
    public Problem(ModelKind model, int outputs, int features, boolean intercept, double l2, double l1,
                   Optimizer optimizer, double[] featureMean, double[] featureScale) {
        this(model.loss(), outputs, features, intercept, l2, l1, optimizer, featureMean, featureScale,
                model.loss().defaultParameter());
    }

    /** A problem whose optimizer works in the original coordinates. */
    public Problem(ModelKind model, int outputs, int features, boolean intercept, double l2, double l1,
                   Optimizer optimizer) {
        this(model, outputs, features, intercept, l2, l1, optimizer, null, null);
    }

    /** A problem of any loss of the table, with its default parameter, in the original coordinates. */
    public Problem(Loss loss, int outputs, int features, boolean intercept, double l2, double l1, Optimizer optimizer) {
        this(loss, outputs, features, intercept, l2, l1, optimizer, null, null, loss.defaultParameter());
    }

    public Problem {
        if (loss.pointwise() && outputs != 1) {
            throw new IllegalArgumentException(loss + " has one output, not " + outputs);
        }
        loss.checkParameter(lossParameter);
        if (featureMean != null && (featureMean.length != features || !intercept)) {
            throw new IllegalArgumentException("feature means need one value per feature and an intercept");
        }
        if (featureScale != null && featureScale.length != features) {
            throw new IllegalArgumentException("feature scales need one value per feature");
        }
    }

    /** k * d weights, then k intercepts. */
    public int parameterCount() {
        return outputs * features + outputs;
    }

    /** The first penalizedCount() parameters are weights; the rest are intercepts. */
    public int penalizedCount() {
        return outputs * features;
    }

    /**
     * Adds the regularization to a data-term gradient and returns its value: g_j += l2 w_j for
     * the weights, g = 0 for intercepts that are not fitted; returns (l2/2) ||w||^2 + l1 ||w||_1.
     */
    public double regularize(double[] parameters, double[] gradient) {
        int weights = penalizedCount();
        double penalty = 0;
        for (int j = 0; j < weights; j++) {
            double w = parameters[j];
            penalty += l2 / 2 * w * w + l1 * Math.abs(w);
            gradient[j] += l2 * w;
        }
        if (!intercept) {
            java.util.Arrays.fill(gradient, weights, parameterCount(), 0.0);
        }
        return penalty;
    }
}
