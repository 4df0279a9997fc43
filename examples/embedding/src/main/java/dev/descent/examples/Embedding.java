package dev.descent.examples;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import java.util.SplittableRandom;

/**
 * Fits a logistic regression on generated data through descent's Java API and scores it on rows it
 * did not see. Exits 1 when the fit does not converge or scores below {@link #LEAST_ACCURACY}, so a
 * build that runs it fails when the library does.
 */
public final class Embedding {
    /** The generated labels follow a logistic model with weights of this scale: about 0.9 is reachable. */
    static final double LEAST_ACCURACY = 0.8;

    private Embedding() {
    }

    public static void main(String[] args) {
        int columns = 16;
        double[] truth = new SplittableRandom(1).doubles(columns, -1, 1).toArray();
        Dataset train = generate(20_000, truth, 2);
        Dataset test = generate(5_000, truth, 3);

        FitResult result = Fitter.of(ModelKind.LOGISTIC).l2(1e-4).fit(train);
        double accuracy = result.model().score(test);
        System.out.println(result.summary());
        System.out.printf("held-out accuracy: %.4f%n", accuracy);
        if (!result.converged() || accuracy < LEAST_ACCURACY) {
            System.err.println("the fit did not converge, or scored below " + LEAST_ACCURACY);
            System.exit(1);
        }
    }

    /** Rows of standard normal features, labels drawn from the logistic model with weights {@code truth}. */
    static Dataset generate(int rows, double[] truth, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[rows][truth.length];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < truth.length; j++) {
                x[i][j] = random.nextGaussian();
                z += 2 * truth[j] * x[i][j];
            }
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
        return Dataset.of(x, y);
    }
}
