package dev.descent.cli;

import dev.descent.Fitter;
import java.util.Arrays;

/**
 * The objective and the gradient norm after every epoch (or quasi-Newton iteration) of a fit, as the
 * fit's listener reports them: what the convergence plot draws.
 */
final class FitTrace implements Fitter.EpochListener {
    private double[] objectives = new double[64];
    private double[] gradientNorms = new double[64];
    private int size;

    @Override
    public void onEpoch(int epoch, double objective, double gradientNorm, double learningRate) {
        if (size == objectives.length) {
            objectives = Arrays.copyOf(objectives, size * 2);
            gradientNorms = Arrays.copyOf(gradientNorms, size * 2);
        }
        objectives[size] = objective;
        gradientNorms[size] = gradientNorm;
        size++;
    }

    double[] objectives() {
        return Arrays.copyOf(objectives, size);
    }

    double[] gradientNorms() {
        return Arrays.copyOf(gradientNorms, size);
    }
}
