package dev.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.Dataset;
import dev.descent.optim.OptimizerKind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Early stopping on held-out rows ({@link Fitter#validation}, {@link Fitter#validationFraction}). */
class ValidationTest {
    /** The held-out loss recomputed here in double against the one the fit recorded from float32 sums. */
    static final double LOSS_ROUNDING = 1e-5;

    /** Rows of d noisy features where only the first two matter: with few rows and no penalty, a fit overfits. */
    private static Dataset rows(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextGaussian();
            }
            double margin = x[i][0] - x[i][1];
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
        }
        return Dataset.of(x, y);
    }

    /** The mean log-loss of a binary model on rows, in double. */
    private static double logLoss(LinearModel model, Dataset data) {
        double[][] p = model.predictProba(data);
        double sum = 0;
        for (int i = 0; i < data.rows(); i++) {
            sum -= Math.log(p[i][(int) data.labels()[i]]);
        }
        return sum / data.rows();
    }

    @Test
    void anOverfittingFitStopsEarlyAndKeepsTheBestHeldOutWeights() {
        Dataset training = rows(80, 60, 1);
        Dataset heldOut = rows(2000, 60, 2);
        FitResult result = Fitter.of(ModelKind.LOGISTIC).backend("cpu").maxEpochs(500).validation(heldOut).fit(training);
        assertEquals(FitStatus.EARLY_STOPPED, result.status(), result.reason());
        double[] losses = result.heldOutLoss();
        assertEquals(result.steps(), losses.length, "one held-out loss per iteration");
        int best = 0;
        for (int k = 1; k < losses.length; k++) {
            best = losses[k] < losses[best] ? k : best;
        }
        assertTrue(best < losses.length - 1 && losses[losses.length - 1] > losses[best], java.util.Arrays.toString(losses));
        assertEquals(losses[best], logLoss(result.model(), heldOut), LOSS_ROUNDING * losses[best],
                "the weights returned are those of the lowest held-out loss");
        assertTrue(result.progress().contains("held-out loss"), result.progress());
        // without early stopping the same fit runs on, to a lower training objective and a higher held-out loss
        FitResult full = Fitter.of(ModelKind.LOGISTIC).backend("cpu").maxEpochs(500).fit(training);
        assertTrue(full.objective() < result.objective());
        assertTrue(logLoss(full.model(), heldOut) > losses[best]);
        assertEquals(0, full.heldOutLoss().length);
    }

    @Test
    void firstOrderStepsStopEarlyTooAndASplitIsReproducible() {
        Dataset data = rows(400, 60, 3);
        Fitter fitter = Fitter.of(ModelKind.LOGISTIC).backend("cpu").optimizer(OptimizerKind.ADAM).learningRate(0.05)
                .maxEpochs(400).validationFraction(0.5).seed(9);
        FitResult first = fitter.fit(data);
        FitResult second = fitter.fit(data);
        assertEquals(FitStatus.EARLY_STOPPED, first.status(), first.reason());
        assertEquals(first.epochs(), first.heldOutLoss().length, "one held-out loss per epoch");
        assertArrayEquals(first.model().weights()[0], second.model().weights()[0], 0.0);
        assertArrayEquals(first.heldOutLoss(), second.heldOutLoss(), 0.0);
    }

    @Test
    void aFitThatConvergesFirstStillReturnsTheBestHeldOutWeights() {
        Dataset training = rows(3000, 4, 4);
        Dataset heldOut = rows(1000, 4, 5);
        FitResult result = Fitter.of(ModelKind.LOGISTIC).l2(1e-3).backend("reference").validation(heldOut).fit(training);
        assertTrue(result.status() == FitStatus.CONVERGED || result.status() == FitStatus.EARLY_STOPPED, result.reason());
        double lowest = java.util.Arrays.stream(result.heldOutLoss()).min().orElseThrow();
        assertEquals(lowest, logLoss(result.model(), heldOut), LOSS_ROUNDING * lowest);
    }

    @Test
    void badValidationDataIsRefusedWithItsProblem() {
        Dataset training = rows(100, 4, 6);
        InvalidInputException wide = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LOGISTIC).validation(rows(10, 5, 7)).fit(training));
        assertTrue(wide.getMessage().contains("5 features"), wide.getMessage());
        Dataset otherClass = Dataset.of(new double[][] {{1, 2, 3, 4}}, new double[] {2});
        InvalidInputException label = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LOGISTIC).validation(otherClass).fit(training));
        assertTrue(label.getMessage().contains("label 2.0"), label.getMessage());
        assertThrows(InvalidInputException.class, () -> Fitter.of(ModelKind.LOGISTIC).validationFraction(1.0));
        InvalidInputException tiny = assertThrows(InvalidInputException.class,
                () -> Fitter.of(ModelKind.LOGISTIC).validationFraction(0.001).fit(training));
        assertTrue(tiny.getMessage().contains("no row to validate on"), tiny.getMessage());
    }
}
