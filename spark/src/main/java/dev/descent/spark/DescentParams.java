package dev.descent.spark;

import dev.descent.optim.Solver;
import java.util.Locale;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params descent's estimators and models share: MLlib's names and meanings where they overlap
 * ({@code regParam}, {@code elasticNetParam}, {@code maxIter}, {@code tol}, {@code fitIntercept},
 * {@code standardization}, {@code aggregationDepth}, {@code weightCol}), and descent's own
 * ({@code backend}, {@code solver}). Spark finds params by their public no-argument accessors, so each
 * is a default method here; the Param objects live in one {@link Set} per instance.
 */
public interface DescentParams extends Params {

    /** The instance's Param objects, made once with its uid. */
    Set descentParams();

    /** The Param objects of one instance, with their defaults set on it. */
    final class Set implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final DoubleParam regParam;
        final DoubleParam elasticNetParam;
        final IntParam maxIter;
        final DoubleParam tol;
        final BooleanParam fitIntercept;
        final BooleanParam standardization;
        final IntParam aggregationDepth;
        final Param<String> weightCol;
        final Param<String> backend;
        final Param<String> solver;

        Set(Params parent) {
            regParam = new DoubleParam(parent, "regParam", "regularization strength (>= 0)", ParamValidators.gtEq(0));
            elasticNetParam = new DoubleParam(parent, "elasticNetParam",
                    "the ElasticNet mixing parameter in [0, 1]: 0 is an L2 penalty, 1 an L1 penalty",
                    ParamValidators.inRange(0, 1));
            maxIter = new IntParam(parent, "maxIter", "maximum number of iterations (>= 0)", ParamValidators.gtEq(0));
            tol = new DoubleParam(parent, "tol",
                    "the relative decrease of the objective in an iteration at which the solver stops (>= 0)",
                    ParamValidators.gtEq(0));
            fitIntercept = new BooleanParam(parent, "fitIntercept", "whether to fit an intercept term");
            standardization = new BooleanParam(parent, "standardization",
                    "whether the penalty applies to the coefficients of standardized features (the model is always "
                            + "returned on the original scale)");
            aggregationDepth = new IntParam(parent, "aggregationDepth", "depth of the tree that adds the partitions' sums (>= 2)",
                    ParamValidators.gtEq(2));
            weightCol = new Param<>(parent, "weightCol",
                    "column of non-negative sample weights; unset or empty: every row weighs 1");
            // checked when a fit opens it, where the executors' backends are known
            backend = new Param<>(parent, "backend",
                    "descent backend the executors run their partitions on: cpu (the default), reference, opencl, cuda or auto");
            solver = new Param<>(parent, "solver", "auto (lbfgs, or owlqn with an L1 part), lbfgs or owlqn",
                    ParamValidators.inArray(java.util.List.of("auto", "lbfgs", "owlqn")));
        }

        /** The Param objects of {@code parent}, with their defaults set on it. */
        static Set of(Params parent) {
            Set params = new Set(parent);
            params.setDefaults(parent);
            return params;
        }

        /** MLlib's defaults, and descent's cpu backend with the solver chosen by the penalty. */
        private void setDefaults(Params parent) {
            parent.setDefault(regParam, 0.0);
            parent.setDefault(elasticNetParam, 0.0);
            parent.setDefault(maxIter, 100);
            parent.setDefault(tol, 1e-6);
            parent.setDefault(fitIntercept, true);
            parent.setDefault(standardization, true);
            parent.setDefault(aggregationDepth, 2);
            parent.setDefault(weightCol, "");
            parent.setDefault(backend, "cpu");
            parent.setDefault(solver, "auto");
        }
    }

    default DoubleParam regParam() {
        return descentParams().regParam;
    }

    default DoubleParam elasticNetParam() {
        return descentParams().elasticNetParam;
    }

    default IntParam maxIter() {
        return descentParams().maxIter;
    }

    default DoubleParam tol() {
        return descentParams().tol;
    }

    default BooleanParam fitIntercept() {
        return descentParams().fitIntercept;
    }

    default BooleanParam standardization() {
        return descentParams().standardization;
    }

    default IntParam aggregationDepth() {
        return descentParams().aggregationDepth;
    }

    default Param<String> weightCol() {
        return descentParams().weightCol;
    }

    default Param<String> backend() {
        return descentParams().backend;
    }

    default Param<String> solver() {
        return descentParams().solver;
    }

    default double getRegParam() {
        return (Double) getOrDefault(regParam());
    }

    default double getElasticNetParam() {
        return (Double) getOrDefault(elasticNetParam());
    }

    default int getMaxIter() {
        return (Integer) getOrDefault(maxIter());
    }

    default double getTol() {
        return (Double) getOrDefault(tol());
    }

    default boolean getFitIntercept() {
        return (Boolean) getOrDefault(fitIntercept());
    }

    default boolean getStandardization() {
        return (Boolean) getOrDefault(standardization());
    }

    default int getAggregationDepth() {
        return (Integer) getOrDefault(aggregationDepth());
    }

    default String getWeightCol() {
        return getOrDefault(weightCol());
    }

    default String getBackend() {
        return getOrDefault(backend());
    }

    default String getSolver() {
        return getOrDefault(solver());
    }

    /**
     * Refuses a solver set against the penalty. The penalty decides the method (descent's quasi-Newton loop
     * runs OWL-QN exactly when there is an L1 part, L-BFGS otherwise); "auto" accepts either.
     */
    default void requireSolverFits() {
        String name = getSolver();
        if (name.equals("auto")) {
            return;
        }
        boolean l1 = getRegParam() * getElasticNetParam() > 0;
        Solver solver = Solver.parse(name);
        if (solver == Solver.LBFGS && l1) {
            throw new IllegalArgumentException("solver lbfgs needs a smooth objective: with elasticNetParam "
                    + getElasticNetParam() + " and regParam " + getRegParam() + " use owlqn (or auto)");
        }
        if (solver == Solver.OWLQN && !l1) {
            throw new IllegalArgumentException("solver owlqn is for an L1 part: set elasticNetParam > 0 and regParam > 0, "
                    + "or use lbfgs (or auto)");
        }
    }

    /** The column of sample weights, or null for none. */
    default String weightColumnOrNull() {
        String column = getWeightCol();
        return column == null || column.isEmpty() ? null : column;
    }

    /** The backend's name in the form {@code Backends.open} takes. */
    default String backendName() {
        return getBackend().trim().toLowerCase(Locale.ROOT);
    }
}
