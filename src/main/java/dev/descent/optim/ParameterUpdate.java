package dev.descent.optim;

/**
 * One optimizer step on the flat parameter vector, in double precision, with its state (velocity,
 * moments, accumulators) kept beside the parameters. The CPU-side backends share it; the GPU
 * backends must implement the same formulas, and are tested against this class.
 *
 * <p>With g the gradient of the smooth part (loss plus l2 term) and lr the learning rate, per
 * coordinate:
 * <pre>
 *   gd        w -= lr g
 *   momentum  v = mu v + g;                  w -= lr v             (PyTorch's heavy ball)
 *   nesterov  v = mu v + g;                  w -= lr (g + mu v)    (PyTorch's form)
 *   adagrad   a += g^2;                      w -= lr g / (sqrt(a) + eps)
 *   rmsprop   a = rho a + (1 - rho) g^2;     w -= lr g / (sqrt(a) + eps)
 *   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *             w -= lr m^ / (sqrt(v^) + eps),  m^ = m / (1 - b1^t), v^ = v / (1 - b2^t)
 * </pre>
 * then, for weights (not intercepts) when l1 > 0, the proximal step of l1 ||w||_1:
 * w = sign(w) max(|w| - eta l1, 0), where eta is the coordinate's step size (lr, or lr / (sqrt(.) + eps)
 * for the adaptive rules). This is what produces exact zeros.
 *
 * <p>The rules run in the optimizer's coordinates ({@link Coordinates}): {@link #start} maps the point
 * in, {@link #apply} maps the gradient in and the new point back.
 *
 * <p>{@link #apply} also returns the norm of the proximal gradient mapping at the pre-update point,
 * G = (w - prox(w - lr g)) / lr, which is the gradient when l1 = 0 and is zero exactly at an
 * optimum of the l1 problem: the stopping rule's gradient norm.
 */
public final class ParameterUpdate {
    private final Problem problem;
    private final Optimizer optimizer;
    private final int penalizedCount;
    private final int parameterCount;
    private final int features;
    private final boolean intercept;
    private final double l1;
    private final double[] scale;
    /** The current point in standardized coordinates. */
    private final double[] point;
    private final double[] scaledGradient;
    private final double[] first;
    private final double[] second;
    private long steps;

    public ParameterUpdate(Problem problem) {
        this.problem = problem;
        this.optimizer = problem.optimizer();
        this.penalizedCount = problem.penalizedCount();
        this.parameterCount = problem.parameterCount();
        this.features = problem.features();
        this.intercept = problem.intercept();
        this.l1 = problem.l1();
        this.scale = problem.featureScale();
        this.point = new double[parameterCount];
        this.scaledGradient = new double[parameterCount];
        this.first = new double[parameterCount];
        this.second = new double[parameterCount];
    }

    /** Starts from {@code parameters} (original coordinates) with a fresh optimizer state. */
    public void start(double[] parameters) {
        Coordinates.toScaled(problem, parameters, point);
        reset();
    }

    /** Forgets the optimizer state (velocity, moments, accumulators), keeping the point. */
    public void reset() {
        java.util.Arrays.fill(first, 0);
        java.util.Arrays.fill(second, 0);
        steps = 0;
    }

    /**
     * One step: maps {@code gradient} (of the smooth part at {@code parameters}, l2 included) to the
     * standardized coordinates, updates the point there, and writes the new parameters back into
     * {@code parameters} in original coordinates. Call {@link #start} first.
     *
     * @return the 2-norm of the proximal gradient mapping at the point before the update
     */
    public double apply(double[] parameters, double[] gradient, double learningRate) {
        steps++;
        Coordinates.transposeToScaled(problem, gradient, scaledGradient);
        double mu = optimizer.momentum();
        double betaOne = optimizer.betaOne();
        double betaTwo = optimizer.betaTwo();
        double rho = optimizer.rho();
        double epsilon = optimizer.epsilon();
        double firstCorrection = 1 - Math.pow(betaOne, steps);
        double secondCorrection = 1 - Math.pow(betaTwo, steps);
        double mappingNormSquared = 0;
        int count = intercept ? parameterCount : penalizedCount;
        for (int j = 0; j < count; j++) {
            double w = point[j];
            double g = scaledGradient[j];
            boolean penalized = j < penalizedCount && l1 > 0;
            double l1Here = penalized ? (scale == null ? l1 : l1 / scale[j % features]) : 0;
            double mapping = penalized ? (w - softThreshold(w - learningRate * g, learningRate * l1Here)) / learningRate : g;
            mappingNormSquared += mapping * mapping;

            double stepSize = learningRate;
            double delta;
            switch (optimizer.kind()) {
                case GD -> delta = g;
                case MOMENTUM -> {
                    first[j] = mu * first[j] + g;
                    delta = first[j];
                }
                case NESTEROV -> {
                    first[j] = mu * first[j] + g;
                    delta = g + mu * first[j];
                }
                case ADAGRAD -> {
                    second[j] += g * g;
                    stepSize = learningRate / (Math.sqrt(second[j]) + epsilon);
                    delta = g;
                }
                case RMSPROP -> {
                    second[j] = rho * second[j] + (1 - rho) * g * g;
                    stepSize = learningRate / (Math.sqrt(second[j]) + epsilon);
                    delta = g;
                }
                case ADAM -> {
                    first[j] = betaOne * first[j] + (1 - betaOne) * g;
                    second[j] = betaTwo * second[j] + (1 - betaTwo) * g * g;
                    stepSize = learningRate / (Math.sqrt(second[j] / secondCorrection) + epsilon);
                    delta = first[j] / firstCorrection;
                }
                default -> throw new IllegalStateException("unhandled optimizer " + optimizer.kind());
            }
            w -= stepSize * delta;
            point[j] = penalized ? softThreshold(w, stepSize * l1Here) : w;
        }
        Coordinates.toOriginal(problem, point, parameters);
        return Math.sqrt(mappingNormSquared);
    }

    /** sign(w) max(|w| - threshold, 0): the proximal operator of threshold * |w|. */
    public static double softThreshold(double w, double threshold) {
        if (w > threshold) {
            return w - threshold;
        }
        if (w < -threshold) {
            return w + threshold;
        }
        return 0.0;
    }
}
