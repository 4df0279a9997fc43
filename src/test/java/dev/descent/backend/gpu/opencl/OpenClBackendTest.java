package dev.descent.backend.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.DescentException;
import dev.descent.InvalidInputException;
import dev.descent.ModelKind;
import dev.descent.SolverTest;
import dev.descent.TestData;
import dev.descent.backend.Backend;
import dev.descent.backend.DataTermSumsCases;
import dev.descent.backend.DeviceBackendCases;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
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
    static final double RELATIVE = DeviceBackendCases.RELATIVE;
    static final double ABSOLUTE = DeviceBackendCases.ABSOLUTE;

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
        return DeviceBackendCases.everyCombination();
    }

    @ParameterizedTest(name = "{0} {1} miniBatch={2} variant={3}")
    @MethodSource("everyCombination")
    void stepsMatchTheReference(Loss kind, OptimizerKind optimizer, boolean miniBatch, int variant, long seed) {
        requireOpenCl();
        DeviceBackendCases.stepsMatchTheReference(OpenClBackendTest::open, kind, optimizer, miniBatch, variant, seed, 257, 33);
    }

    static Stream<Arguments> oddShapes() {
        return DeviceBackendCases.shapes(new int[][] {{1, 1}, {1, 7}, {2, 1}, {3001, 1}, {1000, 64}, {129, 1000}, {17, 5000}});
    }

    /** L-BFGS and OWL-QN on this backend's data-term sums, against the closed forms and Newton's solution (SolverTest). */
    @Test
    void quasiNewtonSolversReachTheKnownOptima() {
        requireOpenCl();
        SolverTest.leastSquaresCase("opencl");
        SolverTest.newtonCase("opencl");
        SolverTest.lassoCase("opencl");
        SolverTest.softmaxCase("opencl");
        SolverTest.hugeLabelsCase("opencl");
    }

    static Stream<Arguments> dataTermCases() {
        return DataTermSumsCases.cases(new int[][] {{7, 3}, {301, 40}, {1000, 64}, {129, 1000}});
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("dataTermCases")
    void dataTermSumsOfHalvesAddUpToTheWhole(Loss kind, int variant, int rows, int columns) {
        requireOpenCl();
        DataTermSumsCases.halvesAddUpToTheWhole(OpenClBackendTest::open, kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "softmax, {0} classes, variant={1}")
    @MethodSource("dev.descent.backend.DataTermSumsCases#manyClassCases")
    void manyClassesMatchTheReference(int classes, int variant) {
        requireOpenCl();
        DataTermSumsCases.manyClassesMatchTheReference(OpenClBackendTest::open, classes, variant);
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("dataTermCases")
    void dataTermSumsOfABatchMatchTheReference(Loss kind, int variant, int rows, int columns) {
        requireOpenCl();
        DataTermSumsCases.batchSumsMatchTheReference(OpenClBackendTest::open, kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "{0} n={1} d={2}")
    @MethodSource("oddShapes")
    void objectiveGradientAndGramMatchTheReferenceOnOddShapes(Loss kind, int rows, int columns) {
        requireOpenCl();
        DeviceBackendCases.objectiveGradientAndGramMatchTheReference(OpenClBackendTest::open, kind, rows, columns);
    }

    @Test
    void aFitMatchesTheCpuBackendsAndRepeatsBitForBit() {
        requireOpenCl();
        DeviceBackendCases.fitMatchesTheCpuBackendAndRepeatsBitForBit("opencl");
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

    /**
     * PoCL's LLVM replaces the JVM's signal handlers once a program is built (SignalChaining), which
     * crashed a later cpu step in 4 of 20 `descent bench` runs; the test build preloads libjsig
     * (pom.xml, profile signal-chaining) as the launcher does, and this checks that it took.
     */
    @Test
    void theJvmsSignalHandlersAreChainedAfterABuild() {
        requireOpenCl();
        try (Backend backend = open()) {
            assertNull(SignalChaining.unchainedWarning());
        }
    }

    @Test
    void aSecondUploadReplacesTheFirst() {
        requireOpenCl();
        DeviceBackendCases.aSecondUploadReplacesTheFirst(OpenClBackendTest::open);
    }

    @Test
    void useAfterCloseIsRefused() {
        requireOpenCl();
        DeviceBackendCases.useAfterCloseIsRefused(OpenClBackendTest::open);
    }
}
