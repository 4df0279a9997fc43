package dev.descent.backend.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.DescentException;
import dev.descent.FitResult;
import dev.descent.Fitter;
import dev.descent.ModelKind;
import dev.descent.SolverTest;
import dev.descent.TestData;
import dev.descent.backend.Agreement;
import dev.descent.backend.Backend;
import dev.descent.backend.DataTermSumsCases;
import dev.descent.backend.DeviceBackendCases;
import dev.descent.backend.RowPermutation;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.loss.Loss;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA backend against the reference. The build runs these tests in its own execution
 * (cuda-on-the-host in pom.xml) against the stand-in driver of kernels/host-emulation, which runs the
 * kernels as host code; native-test/run.sh runs them on a real GPU. Without either every test is
 * skipped with the reason (the build counts them); with DESCENT_REQUIRE_CUDA set (native-test/run.sh
 * sets it on the GPU machine), or with the stand-in built, they fail instead, so neither run can pass
 * on skipped tests.
 */
class CudaBackendTest {
    /**
     * Open and close cycles of the leak test: 1,000, or the system property descent.test.cudaCycles (the
     * GPU bundle's short run takes 100, to fit a lent machine's minutes).
     */
    static final int CYCLES = Integer.getInteger("descent.test.cudaCycles", 1_000);
    /** Device memory the cycles may leave behind: allocator granularity, not a leak per cycle (1,000 x 64 KiB). */
    static final long LEAK_BOUND_BYTES = 64L << 20;
    /** Threads the cycles may leave behind (the driver's own helper threads start once per process). */
    static final int THREAD_BOUND = 4;

    @BeforeAll
    static void reportAvailability() {
        CudaDevices.Discovery discovery = CudaDevices.discover();
        if (discovery.devices().isEmpty()) {
            System.err.println("CUDA tests skipped: " + discovery.reason());
        } else {
            System.err.println("CUDA tests run on " + discovery.devices().get(0).describe() + ", driver CUDA "
                    + CudaDevices.versionText(discovery.driverVersion()));
        }
    }

    static void requireCuda() {
        CudaDevices.Discovery discovery = CudaDevices.discover();
        if (System.getenv("DESCENT_REQUIRE_CUDA") != null && discovery.devices().isEmpty()) {
            throw new AssertionError("DESCENT_REQUIRE_CUDA is set but CUDA is unavailable: " + discovery.reason());
        }
        String standIn = StandInDriver.unavailableReason();
        if (StandInDriver.expected() && standIn == null && discovery.devices().isEmpty()) {
            throw new AssertionError("the stand-in driver was built but CUDA is unavailable: " + discovery.reason());
        }
        assumeTrue(!discovery.devices().isEmpty(), () -> "CUDA unavailable: " + discovery.reason()
                + (standIn == null ? "" : "; the stand-in driver could not be built: " + standIn));
    }

    static Backend open() {
        return new CudaBackend.Provider().create();
    }

    static Stream<Arguments> everyCombination() {
        return DeviceBackendCases.everyCombination();
    }

    @ParameterizedTest(name = "{0} {1} miniBatch={2} variant={3}")
    @MethodSource("everyCombination")
    void stepsMatchTheReference(Loss kind, OptimizerKind optimizer, boolean miniBatch, int variant, long seed) {
        requireCuda();
        DeviceBackendCases.stepsMatchTheReference(CudaBackendTest::open, kind, optimizer, miniBatch, variant, seed, 257, 33);
    }

    /**
     * Shapes around every boundary of the kernels: n below, at and above a block's 64 rows and a warp
     * round; d at each register width of fused_narrow (32 columns per chunk, 1 to 32 chunks), one
     * past it, and past 1,024 (fused_wide).
     */
    static Stream<Arguments> oddShapes() {
        return DeviceBackendCases.shapes(new int[][] {{1, 1}, {1, 7}, {2, 1}, {63, 31}, {64, 32}, {65, 33}, {3001, 1},
            {1000, 64}, {513, 65}, {300, 256}, {129, 1000}, {77, 1024}, {33, 1025}, {17, 5000}, {20_000, 3}});
    }

    /** L-BFGS and OWL-QN on this backend's data-term sums, against the closed forms and Newton's solution (SolverTest). */
    @Test
    void quasiNewtonSolversReachTheKnownOptima() {
        requireCuda();
        SolverTest.leastSquaresCase("cuda");
        SolverTest.newtonCase("cuda");
        SolverTest.lassoCase("cuda");
        SolverTest.softmaxCase("cuda");
        SolverTest.hugeLabelsCase("cuda");
    }

    static Stream<Arguments> dataTermCases() {
        return DataTermSumsCases.cases(new int[][] {{7, 3}, {301, 40}, {1000, 64}, {129, 1000}, {33, 1025}});
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("dataTermCases")
    void dataTermSumsOfHalvesAddUpToTheWhole(Loss kind, int variant, int rows, int columns) {
        requireCuda();
        DataTermSumsCases.halvesAddUpToTheWhole(CudaBackendTest::open, kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "softmax, {0} classes, variant={1}")
    @MethodSource("dev.descent.backend.DataTermSumsCases#manyClassCases")
    void manyClassesMatchTheReference(int classes, int variant) {
        requireCuda();
        DataTermSumsCases.manyClassesMatchTheReference(CudaBackendTest::open, classes, variant);
    }

    @ParameterizedTest(name = "{0} variant={1} {2}x{3}")
    @MethodSource("dataTermCases")
    void dataTermSumsOfABatchMatchTheReference(Loss kind, int variant, int rows, int columns) {
        requireCuda();
        DataTermSumsCases.batchSumsMatchTheReference(CudaBackendTest::open, kind, variant, rows, columns);
    }

    @ParameterizedTest(name = "{0} n={1} d={2}")
    @MethodSource("oddShapes")
    void objectiveGradientAndGramMatchTheReferenceOnOddShapes(Loss kind, int rows, int columns) {
        requireCuda();
        DeviceBackendCases.objectiveGradientAndGramMatchTheReference(CudaBackendTest::open, kind, rows, columns);
    }

    /**
     * Mini-batch epochs of 40 batches: the first 32 steps replay the captured graph, the rest launch one
     * by one. Reading the objective after every step instead runs every step on its own: same kernels,
     * same grid, so the parameters must be the same bits.
     */
    @Test
    void graphReplayGivesTheSameBitsAsStepByStep() {
        requireCuda();
        for (ModelKind kind : ModelKind.values()) {
            Dataset data = TestData.random(kind, 4000, 48, 3, 12);
            Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.ADAM, 48, 1);
            double[] replayed = twoEpochs(data, problem, false);
            double[] stepped = twoEpochs(data, problem, true);
            assertArrayEquals(stepped, replayed, 0.0, kind + ": parameters, then the objective sum, after graph replay");
        }
    }

    /** The same for sparse rows (kernels/sparse_step.cu, captured in the graph with sparse_clear reading the batch). */
    @Test
    void graphReplayGivesTheSameBitsAsStepByStepOnSparseRows() {
        requireCuda();
        for (ModelKind kind : new ModelKind[] {ModelKind.LINEAR, ModelKind.LOGISTIC, ModelKind.SOFTMAX}) {
            Dataset random = TestData.random(kind, 4000, 48, 3, 13);
            float[] x = random.features().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 5 == 0 ? x[i] : 0;
            }
            Dataset data = Dataset.csr(dev.descent.data.CsrMatrix.fromDense(x, 4000, 48), random.labels());
            Problem problem = DeviceBackendCases.problem(kind, OptimizerKind.ADAM, 48, 1);
            double[] replayed = twoEpochs(data, problem, false);
            double[] stepped = twoEpochs(data, problem, true);
            assertArrayEquals(stepped, replayed, 0.0, kind + ": parameters, then the objective sum, after graph replay");
        }
    }

    /** Two epochs of 40 batches of 100; returns the parameters followed by the epochs' objective sum. */
    private static double[] twoEpochs(Dataset data, Problem problem, boolean readEveryStep) {
        try (Backend backend = open()) {
            backend.upload(data, problem);
            backend.setParameters(DeviceBackendCases.start(problem, 3));
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int first = 0; first < data.rows(); first += 100) {
                    backend.step(RowPermutation.epochKey(7, epoch), first, 100, 1e-2);
                    if (readEveryStep) {
                        backend.lastObjective();
                    }
                }
            }
            double sum = backend.takeObjectiveSum();
            double[] parameters = backend.readParameters();
            double[] result = Arrays.copyOf(parameters, parameters.length + 1);
            result[parameters.length] = sum;
            return result;
        }
    }

    /** The cublas baseline (two cuBLAS GEMV per step) against the reference, where cuBLAS 12 can be loaded. */
    @ParameterizedTest(name = "{0} {1} variant={2}")
    @MethodSource("baselineCases")
    void theCublasBaselineMatchesTheReference(Loss kind, OptimizerKind optimizer, int variant) {
        requireCuda();
        String reason = CudaDevices.cublasUnavailableReason();
        assumeTrue(reason == null, () -> "cublas baseline unavailable: " + reason);
        DeviceBackendCases.stepsMatchTheReference(() -> new CudaBackend.CublasProvider().create(), kind, optimizer, false,
                variant, 500 + variant, 257, 33);
    }

    static Stream<Arguments> baselineCases() {
        return DeviceBackendCases.everyCombination().filter(a -> a.get()[0] != Loss.SOFTMAX && a.get()[2] == Boolean.FALSE)
                .map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[3]));
    }

    @Test
    void aFitMatchesTheCpuBackendAndRepeatsBitForBit() {
        requireCuda();
        DeviceBackendCases.fitMatchesTheCpuBackendAndRepeatsBitForBit("cuda");
    }

    /**
     * The cublas baseline takes dense rows only (GEMV over X): a fit on sparse rows makes them dense, says so, and
     * gives the dense fit's bits. Where cuBLAS 12 can be loaded.
     */
    @Test
    void theCublasBaselineGetsSparseRowsMadeDense() {
        requireCuda();
        String reason = CudaDevices.cublasUnavailableReason();
        assumeTrue(reason == null, () -> "cublas baseline unavailable: " + reason);
        Dataset random = TestData.random(ModelKind.LOGISTIC, 400, 50, 0, 23);
        float[] x = random.features().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 == 0 ? x[i] : 0;
        }
        Dataset dense = Dataset.rowMajor(x, 400, 50, random.labels());
        Dataset sparse = Dataset.csr(dev.descent.data.CsrMatrix.fromDense(x, 400, 50), random.labels());
        FitResult fromDense = Fitter.of(ModelKind.LOGISTIC).backend("cublas").l2(1e-2).fit(dense);
        FitResult fromSparse = Fitter.of(ModelKind.LOGISTIC).backend("cublas").l2(1e-2).fit(sparse);
        assertTrue(fromSparse.backendChoice().contains("made dense"), fromSparse.backendChoice());
        assertArrayEquals(fromDense.model().weights()[0], fromSparse.model().weights()[0], 0, "the same dense rows");
    }

    @Test
    void aFullBatchFitWithDefaultsConvergesLikeTheCpuBackend() {
        requireCuda();
        Dataset data = TestData.random(ModelKind.LOGISTIC, 20_000, 64, 0, 21);
        FitResult cpu = Fitter.of(ModelKind.LOGISTIC).backend("cpu").fit(data);
        FitResult cuda = Fitter.of(ModelKind.LOGISTIC).backend("cuda").fit(data);
        assertEquals(cpu.status(), cuda.status(), cuda.reason());
        Agreement.assertClose("objective at the end", new double[] {cpu.objective()}, new double[] {cuda.objective()},
                DeviceBackendCases.ABSOLUTE, DeviceBackendCases.RELATIVE);
    }

    /**
     * fused_tiled, where it is chosen, against the reference and against fused_wide, which took those
     * shapes before it (-Ddescent.cuda.kernels=wide brings it back, for the benchmark's comparison).
     */
    @Test
    void theTiledKernelAgreesWithTheWideKernelItReplaced() {
        requireCuda();
        Object[][] cases = {{ModelKind.SOFTMAX, 300, 784, 10}, {ModelKind.SOFTMAX, 70, 33, 64},
            {ModelKind.LOGISTIC, 129, 1025, 1}, {ModelKind.LINEAR, 40, 5000, 1}};
        for (Object[] c : cases) {
            ModelKind kind = (ModelKind) c[0];
            int rows = (Integer) c[1];
            int columns = (Integer) c[2];
            int classes = (Integer) c[3];
            Dataset data = TestData.random(kind, rows, columns, classes, rows + columns);
            Problem problem = DeviceBackendCases.problem(kind.loss(), OptimizerKind.GD, columns, 1, classes);
            double[] start = DeviceBackendCases.start(problem, 7);
            double[] reference = sums(new ReferenceBackend(), data, problem, start, null);
            double[] tiled = sums(open(), data, problem, start, "fused_tiled");
            double[] wide = withKernels("wide", () -> sums(open(), data, problem, start, "fused_wide"));
            String what = kind + " " + rows + " x " + columns + " x " + classes;
            Agreement.assertClose(what + ": fused_tiled against the reference", reference, tiled, DeviceBackendCases.ABSOLUTE,
                    DeviceBackendCases.RELATIVE);
            Agreement.assertClose(what + ": fused_tiled against fused_wide", wide, tiled, DeviceBackendCases.ABSOLUTE,
                    DeviceBackendCases.RELATIVE);
        }
    }

    /**
     * fused_softmax, where it is chosen (softmax, d <= 128, few classes), against the reference and against
     * fused_tiled and fused_wide, which took those shapes before it (-Ddescent.cuda.kernels=tiled and wide).
     */
    @Test
    void theWarpSoftmaxKernelAgreesWithTheKernelsItReplaced() {
        requireCuda();
        int[][] cases = {{300, 64, 10, 2}, {1000, 17, 3, 1}, {129, 128, 8, 4}, {65, 32, 16, 1}, {2, 100, 2, 4}};
        for (int[] c : cases) {
            int rows = c[0];
            int columns = c[1];
            int classes = c[2];
            Dataset data = TestData.random(ModelKind.SOFTMAX, rows, columns, classes, rows + columns);
            Problem problem = DeviceBackendCases.problem(ModelKind.SOFTMAX.loss(), OptimizerKind.GD, columns, 1, classes);
            double[] start = DeviceBackendCases.start(problem, 7);
            double[] reference = sums(new ReferenceBackend(), data, problem, start, null);
            double[] softmax = sums(open(), data, problem, start, "fused_softmax_" + c[3]);
            double[] tiled = withKernels("tiled", () -> sums(open(), data, problem, start, "fused_tiled"));
            double[] wide = withKernels("wide", () -> sums(open(), data, problem, start, "fused_wide"));
            String what = "softmax " + rows + " x " + columns + " x " + classes;
            Agreement.assertClose(what + ": fused_softmax against the reference", reference, softmax,
                    DeviceBackendCases.ABSOLUTE, DeviceBackendCases.RELATIVE);
            Agreement.assertClose(what + ": fused_softmax against fused_tiled", tiled, softmax, DeviceBackendCases.ABSOLUTE,
                    DeviceBackendCases.RELATIVE);
            Agreement.assertClose(what + ": fused_softmax against fused_wide", wide, softmax, DeviceBackendCases.ABSOLUTE,
                    DeviceBackendCases.RELATIVE);
        }
    }

    /** What {@code sums} returns with -Ddescent.cuda.kernels set to {@code kernels}, the property restored after. */
    private static double[] withKernels(String kernels, Supplier<double[]> sums) {
        String previous = System.setProperty(FusedKernelChoice.KERNELS_PROPERTY, kernels);
        try {
            return sums.get();
        } finally {
            if (previous == null) {
                System.clearProperty(FusedKernelChoice.KERNELS_PROPERTY);
            } else {
                System.setProperty(FusedKernelChoice.KERNELS_PROPERTY, previous);
            }
        }
    }

    /** The loss sum, then the gradient sums, at {@code start}; checks the fused kernel's name where one is given. */
    private static double[] sums(Backend backend, Dataset data, Problem problem, double[] start, String kernel) {
        try (backend) {
            backend.upload(data, problem);
            if (kernel != null) {
                assertTrue(((CudaBackend) backend).fusedKernel().startsWith(kernel), ((CudaBackend) backend).fusedKernel());
            }
            backend.setParameters(start);
            DataTermSums out = new DataTermSums(problem.parameterCount());
            backend.dataTermSums(out);
            double[] result = new double[out.gradient().length + 1];
            result[0] = out.lossSum();
            System.arraycopy(out.gradient(), 0, result, 1, out.gradient().length);
            return result;
        }
    }

    @Test
    void aSecondUploadReplacesTheFirst() {
        requireCuda();
        DeviceBackendCases.aSecondUploadReplacesTheFirst(CudaBackendTest::open);
    }

    /**
     * A launch that fails while a graph is captured (injected through the stand-in driver): the error
     * reported is the launch's, not the invalidated capture's that ending it gives, and close() works.
     */
    @Test
    void aLaunchFailingDuringCaptureIsTheErrorReportedAndCloseStillWorks() throws Exception {
        requireCuda();
        String faults = System.getenv("DESCENT_STANDIN_FAULTS");
        assumeTrue(faults != null, "fault injection needs the stand-in driver (DESCENT_STANDIN_FAULTS)");
        Dataset data = TestData.random(ModelKind.LOGISTIC, 3200, 16, 0, 5);
        Problem problem = DeviceBackendCases.problem(ModelKind.LOGISTIC, OptimizerKind.ADAM, 16, 0);
        Backend backend = open();
        try {
            backend.upload(data, problem);
            backend.setParameters(DeviceBackendCases.start(problem, 1));
            Files.writeString(Path.of(faults), "launch-during-capture");
            DescentException e = assertThrows(DescentException.class,
                    () -> {
                        for (int first = 0; first < 3200; first += 100) {
                            backend.step(RowPermutation.epochKey(1, 0), first, 100, 1e-2);
                        }
                    });
            assertTrue(e.getMessage().contains("CUDA_ERROR_LAUNCH_FAILED"), e.getMessage());
            assertTrue(Arrays.stream(e.getCause().getSuppressed())
                    .anyMatch(s -> String.valueOf(s.getMessage()).contains("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED")),
                    "ending the invalidated capture is kept as suppressed");
        } finally {
            Files.deleteIfExists(Path.of(faults));
            backend.close();
        }
        // and the next instance captures and replays as usual
        DeviceBackendCases.aSecondUploadReplacesTheFirst(CudaBackendTest::open);
    }

    /** The primary context stays after the last backend closes, so the next backend does not make it again. */
    @Test
    void theDevicesPrimaryContextOutlivesTheLastBackend() {
        requireCuda();
        cycle(0);
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        int[] flags = new int[1];
        int[] active = new int[1];
        JCudaDriver.cuDevicePrimaryCtxGetState(device, flags, active);
        assertEquals(1, active[0], "the primary context is active with no backend open");
    }

    @Test
    void useAfterCloseIsRefusedAndCloseTwiceIsHarmless() {
        requireCuda();
        DeviceBackendCases.useAfterCloseIsRefused(CudaBackendTest::open);
    }

    @Test
    void anInstanceMayMoveBetweenThreads() throws Exception {
        requireCuda();
        Dataset data = TestData.random(ModelKind.LINEAR, 500, 8, 0, 2);
        Problem problem = new Problem(ModelKind.LINEAR, 1, 8, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        try (Backend backend = open()) {
            backend.upload(data, problem);
            backend.setParameters(new double[9]);
            // each thread launches (reading the objective runs the pending step), so each needs the context
            double[] fromOther = new double[1];
            Thread other = new Thread(() -> {
                backend.step(0, 0, 500, 0.01);
                fromOther[0] = backend.lastObjective();
            });
            other.start();
            other.join();
            assertTrue(Double.isFinite(fromOther[0]), "the objective read on the second thread");
            backend.step(0, 0, 500, 0.01);
            assertTrue(Double.isFinite(backend.lastObjective()));
        }
    }

    /** Fresh data, upload, steps, close, {@link #CYCLES} times: device memory and threads come back (measured, bounded). */
    @Test
    void openingAndClosingRepeatedlyLeaksNoDeviceMemoryOrThreads() {
        requireCuda();
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        CUcontext observer = new CUcontext();
        JCudaDriver.cuCtxCreate(observer, 0, device);
        try {
            cycle(0);
            long before = freeDeviceMemory(observer);
            int threadsBefore = Thread.activeCount();
            for (int i = 1; i < CYCLES; i++) {
                cycle(i);
            }
            long after = freeDeviceMemory(observer);
            int threadsAfter = Thread.activeCount();
            System.err.printf("CUDA open/close x%d: free device memory %,d -> %,d bytes, threads %d -> %d%n", CYCLES, before,
                    after, threadsBefore, threadsAfter);
            assertTrue(before - after <= LEAK_BOUND_BYTES, "device memory fell by " + (before - after) + " bytes");
            assertTrue(threadsAfter - threadsBefore <= THREAD_BOUND, "threads " + threadsBefore + " -> " + threadsAfter);
        } finally {
            JCudaDriver.cuCtxDestroy(observer);
        }
    }

    private static void cycle(int seed) {
        // 1.2 MiB of X: a leaked copy per cycle would be 1.2 GiB after 1,000, far past the bound
        Dataset data = TestData.random(ModelKind.LOGISTIC, 5000, 64, 0, seed);
        try (Backend backend = open()) {
            backend.upload(data, new Problem(ModelKind.LOGISTIC, 1, 64, true, 0, 0, Optimizer.of(OptimizerKind.ADAM)));
            backend.setParameters(new double[65]);
            backend.step(0, 0, 5000, 0.01);
            assertTrue(Double.isFinite(backend.lastObjective()));
        }
    }

    private static long freeDeviceMemory(CUcontext observer) {
        JCudaDriver.cuCtxSetCurrent(observer);
        long[] free = new long[1];
        long[] total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }
}
