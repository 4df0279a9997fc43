package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.TestData;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scalar twins give their vector kernels' bits exactly, so a fresh JVM's fit (twins first, vector
 * code once it is compiled) repeats bit for bit whatever the timing. Every kernel family, every loss of
 * the table and the Gram pass, at widths around each handover (the four-row path, the register kernels
 * and their last row of X, one row at a time, the vector tails), with and without sample weights, full
 * batch and shuffled batches.
 */
class ScalarTwinsTest {
    /** Widths: below a vector, vector tails, the four-row path, the register kernels (33-64), one row at a time from 128. */
    static final int[] COLUMNS = {1, 7, 24, 33, 40, 63, 64, 65, 100, 127, 128, 200, 257};
    static final int ROWS = 1_001;
    /** Passes per case, so that the vector code runs past its first (interpreted) calls too. */
    static final int PASSES = 3;
    /** Softmax class counts: the smallest, an odd one (the kernel pairs its last class with itself) and ten. */
    static final int[] SOFTMAX_CLASSES = {2, 3, 10};
    /** The pass code of the Gram pass (X^T S X v), which the register and row kernels also run. */
    static final int GRAM = -1;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        for (Loss loss : Loss.values()) {
            codes.add(loss.kernelCode());
        }
        codes.add(GRAM);
        for (int code : codes) {
            int[] outputCounts = code == Loss.SOFTMAX.kernelCode() ? SOFTMAX_CLASSES : new int[] {1};
            for (int outputs : outputCounts) {
                for (int columns : COLUMNS) {
                    for (boolean weights : new boolean[] {false, true}) {
                        for (boolean shuffled : new boolean[] {false, true}) {
                            cases.add(Arguments.of(code, outputs, columns, weights, shuffled));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "code={0} k={1} d={2} sampleWeights={3} shuffled={4}")
    @MethodSource("cases")
    void twinGivesTheVectorKernelsBits(int code, int outputs, int columns, boolean weights, boolean shuffled) {
        Loss loss = code == GRAM ? Loss.LINEAR : Loss.ofKernelCode(code);
        int passCode = code == GRAM ? RowLoss.PASS_GRAM : code;
        Dataset data = TestData.random(loss, ROWS, columns, outputs, 11L * columns + code);
        if (weights) {
            data = data.withSampleWeights(TestData.weights(ROWS, columns));
        }
        Problem problem = new Problem(loss, outputs, columns, true, 1e-3, 0, Optimizer.of(OptimizerKind.GD));
        SplittableRandom random = new SplittableRandom(columns);
        try (WorkerPool pool = new WorkerPool(2, "twins-test")) {
            CpuPass vector = new CpuPass(data, problem, 2, pool, KernelWarmUp.Choice.VECTOR);
            CpuPass twin = new CpuPass(data, problem, 2, pool, KernelWarmUp.Choice.SCALAR);
            int width = passCode == RowLoss.PASS_GRAM ? columns + 1 : problem.parameterCount();
            double[] vectorSums = new double[width];
            double[] twinSums = new double[width];
            for (int pass = 0; pass < PASSES; pass++) {
                float[] w = new float[outputs * columns];
                float[] b = new float[outputs];
                for (int j = 0; j < w.length; j++) {
                    w[j] = (float) (TestData.gaussian(random) / Math.sqrt(columns));
                }
                for (int c = 0; c < outputs; c++) {
                    b[c] = (float) (0.3 * TestData.gaussian(random));
                }
                long key = RowPermutation.epochKey(pass + 1, pass);
                int start = shuffled ? 97 : 0;
                int size = shuffled ? ROWS / 3 : ROWS;
                vector.run(passCode, outputs, w, b, shuffled, key, start, size);
                double vectorLoss = vector.reducePartials(width, vectorSums);
                twin.run(passCode, outputs, w, b, shuffled, key, start, size);
                double twinLoss = twin.reducePartials(width, twinSums);
                assertEquals(Double.doubleToRawLongBits(vectorLoss), Double.doubleToRawLongBits(twinLoss),
                        "loss sum, pass " + pass + ": " + vectorLoss + " vs " + twinLoss);
                for (int j = 0; j < width; j++) {
                    assertEquals(Double.doubleToRawLongBits(vectorSums[j]), Double.doubleToRawLongBits(twinSums[j]),
                            "gradient sum " + j + ", pass " + pass + ": " + vectorSums[j] + " vs " + twinSums[j]);
                }
            }
        }
    }

    /**
     * Chosen by a warm-up, a long run moves from the twins to the vector code within the deadline and
     * gives the forced vector code's bits in every pass, before, during and after the switch.
     */
    @Test
    void warmUpSwitchesToTheVectorCodeWithoutChangingABit() {
        int rows = 20_000;
        int columns = 64;
        Dataset data = TestData.random(Loss.LOGISTIC, rows, columns, 1, 5);
        Problem problem = new Problem(Loss.LOGISTIC, 1, columns, true, 1e-3, 0, Optimizer.of(OptimizerKind.GD));
        float[] w = new float[columns];
        float[] b = {0.25f};
        SplittableRandom random = new SplittableRandom(3);
        for (int j = 0; j < columns; j++) {
            w[j] = (float) (TestData.gaussian(random) / 8);
        }
        double[] trialSums = new double[columns + 1];
        double[] vectorSums = new double[columns + 1];
        long deadline = System.nanoTime() + SteadyStateAllocationTest.DEADLINE_NANOS;
        try (WorkerPool pool = new WorkerPool(2, "twins-test")) {
            CpuPass warming = new CpuPass(data, problem, 2, pool, KernelWarmUp.Choice.WARM_UP);
            CpuPass vector = new CpuPass(data, problem, 2, pool, KernelWarmUp.Choice.VECTOR);
            int passesAfterSwitch = 0;
            while (passesAfterSwitch < 3 && System.nanoTime() < deadline) {
                warming.run(Loss.LOGISTIC.kernelCode(), 1, w, b, false, 0, 0, rows);
                double trialLoss = warming.reducePartials(columns + 1, trialSums);
                vector.run(Loss.LOGISTIC.kernelCode(), 1, w, b, false, 0, 0, rows);
                double vectorLoss = vector.reducePartials(columns + 1, vectorSums);
                assertEquals(Double.doubleToRawLongBits(vectorLoss), Double.doubleToRawLongBits(trialLoss));
                for (int j = 0; j <= columns; j++) {
                    assertEquals(Double.doubleToRawLongBits(vectorSums[j]), Double.doubleToRawLongBits(trialSums[j]));
                }
                if (warming.vectorChosen(Loss.LOGISTIC.kernelCode(), 1)) {
                    passesAfterSwitch++;
                }
            }
            warming.close();
            assertTrue(warming.vectorChosen(Loss.LOGISTIC.kernelCode(), 1),
                    "the warm-up did not choose the vector code within the deadline");
            CpuPass later = new CpuPass(data, problem, 2, pool, KernelWarmUp.Choice.WARM_UP);
            assertTrue(later.vectorChosen(Loss.LOGISTIC.kernelCode(), 1), "a later upload starts on the vector code");
        }
    }
}
