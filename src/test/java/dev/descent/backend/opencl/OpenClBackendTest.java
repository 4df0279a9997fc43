package dev.descent.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.Dataset;
import dev.descent.DescentException;
import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.InvalidInputException;
import dev.descent.ModelKind;
import dev.descent.Optimizer;
import dev.descent.OptimizerKind;
import dev.descent.TestData;
import dev.descent.backend.Agreement;
import dev.descent.backend.Backend;
import dev.descent.backend.Problem;
import dev.descent.backend.ReferenceBackend;
import dev.descent.backend.RowPermutation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL backend against the reference on whatever OpenCL device is here (PoCL on a CPU in CI).
 * Without OpenCL every test is skipped, with the reason, and the build counts them as skipped; with
 * DESCENT_REQUIRE_OPENCL set (CI sets it) they fail instead, so CI cannot pass on skipped tests.
 */
class OpenClBackendTest {
    /**
     * Device arithmetic is float32 throughout, parameters and optimizer state included, while the
     * reference is double; after a few steps the two agree to ~1e-6 (observed), so 1e-4 leaves room.
     */
    static final double RELATIVE = 1e-4;
    static final double ABSOLUTE = 1e-4;
    /** Steps compared per case. */
    static final int STEPS = 5;

    @BeforeAll
    static void reportAvailability() {
        OpenClDevices.Discovery discovery = OpenClDevices.discover();
        if (discovery.devices().isEmpty()) {
            System.err.println("OpenCL tests skipped: " + discovery.reason());
        } else {
            System.err.println("OpenCL tests run on " + discovery.devices().get(0).describe());
        }
    }

    static void requireOpenCl() {
        OpenClDevices.Discovery discovery = OpenClDevices.discover();
        if (System.getenv("DESCENT_REQUIRE_OPENCL") != null && discovery.devices().isEmpty()) {
            throw new AssertionError("DESCENT_REQUIRE_OPENCL is set (as in CI) but OpenCL is unavailable: " + discovery.reason());
        }
        assumeTrue(!discovery.devices().isEmpty(), () -> "OpenCL unavailable: " + discovery.reason());
    }

    static Backend open() {
        return new OpenClBackend.Provider().create();
    }

    static Stream<Arguments> everyCombination() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 100;
        for (ModelKind kind : ModelKind.values()) {
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

    /** variant 0: plain; 1: sample weights, l2 and standardized coordinates; 2: l1, l2, no intercept. */
    static Problem problem(ModelKind kind, OptimizerKind optimizer, int columns, int variant, Dataset data) {
        int outputs = kind == ModelKind.SOFTMAX ? 3 : 1;
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
                Optimizer.of(optimizer), mean, scale);
    }

    static double[] start(Problem problem, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] p = new double[problem.parameterCount()];
        for (int j = 0; j < (problem.intercept() ? p.length : problem.penalizedCount()); j++) {
            p[j] = random.nextDouble(-0.5, 0.5);
        }
        return p;
    }

    @ParameterizedTest(name = "{0} {1} miniBatch={2} variant={3}")
    @MethodSource("everyCombination")
    void stepsMatchTheReference(ModelKind kind, OptimizerKind optimizer, boolean miniBatch, int variant, long seed) {
        requireOpenCl();
        int rows = 257;
        int columns = 33;
        Dataset data = TestData.random(kind, rows, columns, 3, seed);
        if (variant == 1) {
            data = data.withSampleWeights(TestData.weights(rows, seed));
        }
        Problem problem = problem(kind, optimizer, columns, variant, data);
        try (Backend reference = new ReferenceBackend(); Backend opencl = open()) {
            reference.upload(data, problem);
            opencl.upload(data, problem);
            double[] start = start(problem, seed);
            reference.setParameters(start);
            opencl.setParameters(start);
            int batch = miniBatch ? 50 : rows;
            long key = RowPermutation.epochKey(seed, 0);
            for (int step = 0; step < STEPS; step++) {
                reference.step(key, step * batch % rows, Math.min(batch, rows - step * batch % rows), 0.02);
                opencl.step(key, step * batch % rows, Math.min(batch, rows - step * batch % rows), 0.02);
                Agreement.assertClose("objective at step " + step, new double[] {reference.lastObjective()},
                        new double[] {opencl.lastObjective()}, ABSOLUTE, RELATIVE);
            }
            Agreement.assertClose("gradient norm", new double[] {reference.lastGradientNorm()},
                    new double[] {opencl.lastGradientNorm()}, ABSOLUTE, RELATIVE);
            Agreement.assertClose("parameters", reference.readParameters(), opencl.readParameters(), ABSOLUTE, RELATIVE);
        }
    }

    static Stream<Arguments> oddShapes() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1}, {1, 7}, {2, 1}, {3001, 1}, {1000, 64}, {129, 1000}, {17, 5000}};
        for (ModelKind kind : ModelKind.values()) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(kind, shape[0], shape[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n={1} d={2}")
    @MethodSource("oddShapes")
    void objectiveGradientAndGramMatchTheReferenceOnOddShapes(ModelKind kind, int rows, int columns) {
        requireOpenCl();
        Dataset data = TestData.random(kind, rows, columns, 3, rows * 31L + columns);
        Problem problem = new Problem(kind, kind == ModelKind.SOFTMAX ? 3 : 1, columns, true, 0.01, 0,
                Optimizer.of(OptimizerKind.GD));
        try (Backend reference = new ReferenceBackend(); Backend opencl = open()) {
            reference.upload(data, problem);
            opencl.upload(data, problem);
            double[] start = start(problem, 5);
            reference.setParameters(start);
            opencl.setParameters(start);
            double[] expected = new double[problem.parameterCount()];
            double[] actual = new double[problem.parameterCount()];
            Agreement.assertClose("objective", new double[] {reference.evaluate(expected)},
                    new double[] {opencl.evaluate(actual)}, ABSOLUTE, RELATIVE);
            Agreement.assertClose("gradient", expected, actual, ABSOLUTE, RELATIVE);
            double[] v = new double[columns + 1];
            java.util.Arrays.fill(v, 1.0 / Math.sqrt(columns + 1));
            double[] gramExpected = new double[columns + 1];
            double[] gramActual = new double[columns + 1];
            reference.gramTimes(v, gramExpected);
            opencl.gramTimes(v, gramActual);
            Agreement.assertClose("X^T X v", gramExpected, gramActual, ABSOLUTE, RELATIVE);
        }
    }

    @Test
    void aFitMatchesTheCpuBackendsAndRepeatsBitForBit() {
        requireOpenCl();
        for (ModelKind kind : ModelKind.values()) {
            Dataset data = TestData.random(kind, 3000, 20, 4, 9);
            Fitter fitter = Fitter.of(kind).batchSize(256).seed(4).maxEpochs(8).tolerance(0).l2(1e-3);
            FitResult cpu = fitter.backend("cpu").fit(data);
            FitResult first = fitter.backend("opencl").fit(data);
            FitResult second = fitter.backend("opencl").fit(data);
            assertEquals("opencl", first.backend());
            Agreement.assertClose(kind + " objective after 8 epochs", new double[] {cpu.objective()},
                    new double[] {first.objective()}, ABSOLUTE, RELATIVE);
            Agreement.assertClose(kind + " epoch objectives (kept on the device)", cpu.objectiveHistory(),
                    first.objectiveHistory(), ABSOLUTE, RELATIVE);
            assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0, "bit-identical history");
            assertTrue(java.util.Arrays.deepEquals(first.model().weights(), second.model().weights()), "bit-identical weights");
        }
    }

    @Test
    void aBrokenKernelFailsWithTheBuildLog() {
        requireOpenCl();
        try (OpenClBackend backend = (OpenClBackend) open()) {
            DescentException e = assertThrows(DescentException.class,
                    () -> backend.build("__kernel void broken(__global float *x) { x[0] = undefined_name; }"));
            assertTrue(e.getMessage().contains("build failed") && e.getMessage().contains("undefined_name"), e.getMessage());
        }
    }

    @Test
    void dataLargerThanTheDeviceIsRefusedBeforeAllocation() {
        requireOpenCl();
        OpenClDevices.Device real = OpenClDevices.discover().devices().get(0);
        OpenClDevices.Device small = new OpenClDevices.Device(real.index(), real.platform(), real.id(), real.name(),
                real.platformName(), real.gpu(), 1 << 20, 1 << 20, real.localMemory());
        Dataset data = TestData.random(ModelKind.LINEAR, 10_000, 64, 0, 1);
        try (OpenClBackend backend = new OpenClBackend(small)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> backend.upload(data,
                    new Problem(ModelKind.LINEAR, 1, 64, true, 0, 0, Optimizer.of(OptimizerKind.GD))));
            assertTrue(e.getMessage().contains("10,000 x 64") && e.getMessage().contains("MiB"), e.getMessage());
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        requireOpenCl();
        Backend backend = open();
        Dataset data = TestData.random(ModelKind.LINEAR, 10, 3, 0, 1);
        backend.upload(data, new Problem(ModelKind.LINEAR, 1, 3, true, 0, 0, Optimizer.of(OptimizerKind.GD)));
        backend.close();
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.step(0, 0, 10, 0.1));
        assertThrows(IllegalStateException.class, backend::readParameters);
    }
}
