package dev.descent;

import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Random data sets for tests, all from explicit seeds. */
public final class TestData {
    /**
     * A learning rate for first-order poisson fits of these data sets (z of order 1, N(0, 1) features), which
     * have no automatic one: e^z's curvature has no bound.
     */
    public static final double POISSON_LEARNING_RATE = 0.01;

    private TestData() {
    }

    /**
     * A file of src/test/resources/data, found on the class path (test-classes/data), so that the tests
     * also run from the GPU bundle, whose working directory is not the repository.
     */
    public static Path dataFile(String name) {
        URL folder = TestData.class.getResource("/data");
        if (folder == null) {
            throw new IllegalStateException("the test data folder data/ is not on the class path");
        }
        try {
            return Path.of(folder.toURI()).resolve(name);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Features N(0, 1); labels that suit the model: a noisy linear target, {0, 1} drawn from the sigmoid, or the argmax of {@code classes} noisy linear scores. */
    public static Dataset random(ModelKind kind, int rows, int columns, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(random);
        }
        int outputs = kind == ModelKind.SOFTMAX ? classes : 1;
        double[] truth = new double[outputs * columns];
        for (int j = 0; j < truth.length; j++) {
            truth[j] = gaussian(random);
        }
        float[] y = new float[rows];
        double[] z = new double[outputs];
        for (int i = 0; i < rows; i++) {
            int best = 0;
            for (int c = 0; c < outputs; c++) {
                z[c] = 0.5 + 0.3 * gaussian(random);
                for (int j = 0; j < columns; j++) {
                    z[c] += x[i * columns + j] * truth[c * columns + j] / Math.sqrt(columns);
                }
                best = z[c] > z[best] ? c : best;
            }
            y[i] = switch (kind) {
                case LINEAR -> (float) (z[0] + 0.1 * gaussian(random));
                // one row in ten an outlier, the case huber is for
                case HUBER -> (float) (z[0] + (random.nextInt(10) == 0 ? 5 * gaussian(random) : 0.1 * gaussian(random)));
                case LOGISTIC, SVM -> random.nextDouble() < Loss.sigmoid(2 * z[0]) ? 1 : 0;
                case SOFTMAX -> best;
                case POISSON -> poisson(random, Math.exp(0.5 * z[0]));
            };
        }
        if (kind.classifies()) {
            y[0] = 0;
            if (rows > 1) {
                y[1] = 1;
            }
        }
        return Dataset.rowMajor(x, rows, columns, y);
    }

    /** {@link #random(ModelKind, int, int, int, long)} with labels that suit {@code loss}: regression targets, counts, 0/1 or class indices. */
    public static Dataset random(Loss loss, int rows, int columns, int classes, long seed) {
        ModelKind labelsLike = switch (loss.labels()) {
            case ANY_FINITE -> ModelKind.LINEAR;
            case NON_NEGATIVE -> ModelKind.POISSON;
            case BINARY -> ModelKind.LOGISTIC;
            case CLASS_INDEX -> ModelKind.SOFTMAX;
        };
        return random(labelsLike, rows, columns, classes, seed);
    }

    /** A Poisson count of mean {@code mean} (Knuth's product of uniforms; the means here are small). */
    static int poisson(SplittableRandom random, double mean) {
        double limit = Math.exp(-mean);
        int count = 0;
        double product = random.nextDouble();
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }

    /** Sample weights in [0.1, 2.1). */
    public static float[] weights(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            w[i] = (float) (0.1 + 2 * random.nextDouble());
        }
        return w;
    }
}
