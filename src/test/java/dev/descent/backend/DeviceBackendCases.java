package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The checks every float32 device backend (OpenCL, CUDA) passes against the reference: one step
 * sequence per loss of the table x optimizer x batching x variant, and objective, gradient and X^T X v on odd
 * shapes. Each backend's test class supplies its cases' shapes and a way to open the backend.
 */
public final class DeviceBackendCases {
    /**
     * Device arithmetic is float32 throughout, parameters and optimizer state included, while the
     * reference is double; after a few steps the two agree to ~1e-6 (observed on PoCL), so 1e-4 leaves room.
     */
    public static final double RELATIVE = 1e-4;
    public static final double ABSOLUTE = 1e-4;
    /** Steps compared per case. */
    public static final int STEPS = 5;

    private DeviceBackendCases() {
    }

    /** Every model kind x optimizer x {full batch, mini-batch} x variant (see {@link #problem}), each with its own seed. */
    public static Stream<Arguments> everyCombination() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 100;
        for (Loss kind : Loss.values()) {
            for (OptimizerKind optimizer : OptimizerKind.values()) {
                for (boolean miniBatch : new boolean[] {false, true}) {
                    for (int variant = 0; variant < 3; variant++) {
                        cases.add(Arguments.of(kind, optimizer, miniBatch, variant, seed++));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Every loss of the table on every shape {rows, columns}. */
    public static Stream<Arguments> shapes(int[][] shapes) {
        List<Arguments> cases = new ArrayList<>();
        for (Loss kind : Loss.values()) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(kind, shape[0], shape[1]));
            }
        }
        return cases.stream();
    }

    /** variant 0: plain; 1: sample weights, l2 and standardized coordinates; 2: l1, l2, no intercept. */
    public static Problem problem(ModelKind kind, OptimizerKind optimizer, int columns, int variant) {
        return problem(kind.loss(), optimizer, columns, variant);
    }

    /** {@link #problem(ModelKind, OptimizerKind, int, int)} for any loss of the table, with {@link #lossParameter}. */
    public static Problem problem(Loss kind, OptimizerKind optimizer, int columns, int variant) {
        return problem(kind, optimizer, columns, variant, kind.pointwise() ? 1 : 3);
    }

    /** {@link #problem(Loss, OptimizerKind, int, int)} with {@code outputs} outputs (classes, for softmax). */
    public static Problem problem(Loss kind, OptimizerKind optimizer, int columns, int variant, int outputs) {
        double[] mean = null;
        double[] scale = null;
        if (variant == 1) {
            mean = new double[columns];
            scale = new double[columns];
            for (int j = 0; j < columns; j++) {
                mean[j] = 0.1 * Math.sin(j);
                scale[j] = 0.5 + 0.05 * j;
            }
        }
        return new Problem(kind, outputs, columns, variant != 2, variant == 0 ? 0 : 0.05, variant == 2 ? 0.01 : 0,
                Optimizer.of(optimizer), mean, scale, lossParameter(kind));
    }

    /** Huber's delta at 0.5, so that the random start's residuals fall on both sides of it; other losses' defaults. */
    public static double lossParameter(Loss loss) {
        return loss == Loss.HUBER ? 0.5 : loss.defaultParameter();
    }

    /**
     * A seeded random starting point (intercepts 0 without an intercept), weights in [-1/2, 1/2). For poisson they
     * are divided by sqrt(d): its residual is e^z, and weights of 1/2 across hundreds of N(0, 1) features put z
     * near 15, where the gradient's sums cancel to 1e-4 of their terms, more than float32 holds; z of order 1 is
     * where a fit goes.
     */
    public static double[] start(Problem problem, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] p = new double[problem.parameterCount()];
        double scale = problem.loss() == Loss.POISSON ? 1 / Math.sqrt(problem.features()) : 1;
        for (int j = 0; j < (problem.intercept() ? p.length : problem.penalizedCount()); j++) {
            p[j] = scale * random.nextDouble(-0.5, 0.5);
        }
        return p;
    }

    /**
     * {@link #STEPS} steps (batches of 50 for mini-batch, from the epoch's permutation) on the device
     * and on the reference: the objective after each step, then the gradient norm and the parameters.
     */
    public static void stepsMatchTheReference(Supplier<Backend> device, Loss kind, OptimizerKind optimizer,
                                              boolean miniBatch, int variant, long seed, int rows, int columns) {
        Dataset data = TestData.random(kind, rows, columns, 3, seed);
        if (variant == 1) {
            data = data.withSampleWeights(TestData.weights(rows, seed));
        }
        Problem problem = problem(kind, optimizer, columns, variant);
        try (Backend reference = new ReferenceBackend(); Backend tested = device.get()) {
            reference.upload(data, problem);
            tested.upload(data, problem);
            double[] start = start(problem, seed);
            reference.setParameters(start);
            tested.setParameters(start);
            int batch = miniBatch ? 50 : rows;
            long key = RowPermutation.epochKey(seed, 0);
            for (int step = 0; step < STEPS; step++) {
                int first = step * batch % rows;
                reference.step(key, first, Math.min(batch, rows - first), 0.02);
                tested.step(key, first, Math.min(batch, rows - first), 0.02);
                Agreement.assertClose("objective at step " + step, new double[] {reference.lastObjective()},
                        new double[] {tested.lastObjective()}, ABSOLUTE, RELATIVE);
            }
            Agreement.assertClose("gradient norm", new double[] {reference.lastGradientNorm()},
                    new double[] {tested.lastGradientNorm()}, ABSOLUTE, RELATIVE);
            Agreement.assertClose("parameters", reference.readParameters(), tested.readParameters(), ABSOLUTE, RELATIVE);
        }
    }

    /** evaluate (objective and gradient) and gramTimes at a random point, with l2 and an intercept. */
    public static void objectiveGradientAndGramMatchTheReference(Supplier<Backend> device, Loss kind, int rows,
                                                                 int columns) {
        Dataset data = TestData.random(kind, rows, columns, 3, rows * 31L + columns);
        Problem problem = new Problem(kind, kind.pointwise() ? 1 : 3, columns, true, 0.01, 0, Optimizer.of(OptimizerKind.GD),
                null, null, lossParameter(kind));
        try (Backend reference = new ReferenceBackend(); Backend tested = device.get()) {
            reference.upload(data, problem);
            tested.upload(data, problem);
            double[] start = start(problem, 5);
            reference.setParameters(start);
            tested.setParameters(start);
            double[] expected = new double[problem.parameterCount()];
            double[] actual = new double[problem.parameterCount()];
            Agreement.assertClose("objective", new double[] {reference.evaluate(expected)},
                    new double[] {tested.evaluate(actual)}, ABSOLUTE, RELATIVE);
            Agreement.assertClose("gradient", expected, actual, ABSOLUTE, RELATIVE);
            double[] v = new double[columns + 1];
            Arrays.fill(v, 1.0 / Math.sqrt(columns + 1));
            double[] gramExpected = new double[columns + 1];
            double[] gramActual = new double[columns + 1];
            reference.gramTimes(v, gramExpected);
            tested.gramTimes(v, gramActual);
            Agreement.assertClose("X^T X v", gramExpected, gramActual, ABSOLUTE, RELATIVE);
        }
    }

    /**
     * Eight mini-batch epochs through {@code Fitter} on the named backend: the epoch objectives (kept on
     * the device) agree with the cpu backend's, and a second fit repeats the first bit for bit.
     */
    public static void fitMatchesTheCpuBackendAndRepeatsBitForBit(String backend) {
        for (ModelKind kind : ModelKind.values()) {
            Dataset data = TestData.random(kind, 3000, 20, 4, 9);
            Fitter fitter = Fitter.of(kind).batchSize(256).seed(4).maxEpochs(8).tolerance(0).l2(1e-3);
            if (kind == ModelKind.POISSON) {
                fitter.learningRate(TestData.POISSON_LEARNING_RATE);
            }
            FitResult cpu = fitter.backend("cpu").fit(data);
            FitResult first = fitter.backend(backend).fit(data);
            FitResult second = fitter.backend(backend).fit(data);
            assertEquals(backend, first.backend());
            Agreement.assertClose(kind + " objective after 8 epochs", new double[] {cpu.objective()},
                    new double[] {first.objective()}, ABSOLUTE, RELATIVE);
            Agreement.assertClose(kind + " epoch objectives (kept on the device)", cpu.objectiveHistory(),
                    first.objectiveHistory(), ABSOLUTE, RELATIVE);
            assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0, "bit-identical history");
            assertTrue(Arrays.deepEquals(first.model().weights(), second.model().weights()), "bit-identical weights");
        }
    }

    /** Closing twice is harmless; a step or a read after close is refused. */
    /**
     * A second upload to one instance replaces the first: its steps (40 mini-batches, so that a run of
     * pending steps replays a captured graph) give the bits of a fresh instance given only the second
     * data. A graph kept from the first upload would replay the first upload's freed buffers.
     */
    public static void aSecondUploadReplacesTheFirst(Supplier<Backend> device) {
        Dataset firstData = TestData.random(ModelKind.SOFTMAX, 600, 10, 3, 41);
        Problem firstProblem = problem(ModelKind.SOFTMAX, OptimizerKind.ADAM, 10, 1);
        Dataset secondData = TestData.random(ModelKind.LOGISTIC, 800, 7, 0, 42);
        Problem secondProblem = problem(ModelKind.LOGISTIC, OptimizerKind.MOMENTUM, 7, 0);
        double[] replaced;
        try (Backend backend = device.get()) {
            backend.upload(firstData, firstProblem);
            backend.setParameters(start(firstProblem, 1));
            fortyMiniBatches(backend, firstData.rows());
            backend.readParameters();
            backend.upload(secondData, secondProblem);
            backend.setParameters(start(secondProblem, 2));
            fortyMiniBatches(backend, secondData.rows());
            replaced = backend.readParameters();
        }
        double[] fresh;
        try (Backend backend = device.get()) {
            backend.upload(secondData, secondProblem);
            backend.setParameters(start(secondProblem, 2));
            fortyMiniBatches(backend, secondData.rows());
            fresh = backend.readParameters();
        }
        assertArrayEquals(fresh, replaced, 0.0, "parameters after a second upload, against a fresh instance's");
    }

    private static void fortyMiniBatches(Backend backend, int rows) {
        int batch = rows / 40;
        for (int first = 0; first + batch <= rows; first += batch) {
            backend.step(RowPermutation.epochKey(3, 0), first, batch, 1e-2);
        }
    }

    public static void useAfterCloseIsRefused(Supplier<Backend> device) {
        Backend backend = device.get();
        Dataset data = TestData.random(ModelKind.LINEAR, 10, 3, 0, 1);
        backend.upload(data, new Problem(ModelKind.LINEAR, 1, 3, true, 0, 0, Optimizer.of(OptimizerKind.GD)));
        backend.close();
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.step(0, 0, 10, 0.1));
        assertThrows(IllegalStateException.class, backend::readParameters);
    }
}
