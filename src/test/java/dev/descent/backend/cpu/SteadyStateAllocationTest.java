package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.backend.RowPermutation;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cpu backend's steady-state step allocates nothing, on every kernel. On JDK 17 a Vector API
 * kernel that C2 compiled without the intrinsics allocates its vectors on every row: 8-56 MB a step
 * at 1,000,000 x 64 in about half of the processes before {@link VectorProfiles}
 * (bench/results/2026-11-23-trap-limit). The benchmarks print the bytes per step; this test keeps
 * the guarantee in the build.
 *
 * <p>Before C2 has compiled a kernel, the interpreter's and C1's code allocate vectors too, so each
 * case steps until a window of steps that the vector kernels ran (not their scalar twins, which a
 * fresh backend runs first) allocates (almost) nothing, and fails only if that has not happened by
 * {@link #DEADLINE_NANOS}: a kernel still allocating then is compiled badly for good.
 * Allocation is counted on the calling thread and the backend's worker threads only. It found one
 * such kernel: the register kernel, with branches choosing between vectors, in a JVM that had run
 * the agreement tests first (bench/results/2026-11-23-lanes).
 */
class SteadyStateAllocationTest {
    /**
     * Bytes a step may allocate, averaged over a window: ThreadMXBean's own bookkeeping between the
     * two readings shows up as a few hundred bytes per window, and a kernel that boxes allocates
     * about 32 bytes per vector per row, hundreds of kilobytes per step at these shapes.
     */
    static final double MAX_BYTES_PER_STEP = 64;
    static final int STEPS_PER_WINDOW = 100;
    /** Long enough for C2 on a loaded 2-core machine (0.1-0.5 s per kernel there, measured), short enough for a build. */
    static final long DEADLINE_NANOS = 30_000_000_000L;
    static final int ROWS = 8_000;

    /** How the rows are held: float32 dense (the vector kernels), CSR, or float64 dense. */
    static final String DENSE = "dense";
    static final String SPARSE = "sparse";
    static final String FLOAT64 = "float64";

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // 24: the four-row path; 64: the register kernels; 200: one row at a time; softmax: block().
        for (int columns : new int[] {24, 64, 200}) {
            cases.add(Arguments.of(ModelKind.LINEAR, columns, false, false, DENSE));
            cases.add(Arguments.of(ModelKind.LOGISTIC, columns, false, false, DENSE));
        }
        cases.add(Arguments.of(ModelKind.LOGISTIC, 64, true, false, DENSE));
        cases.add(Arguments.of(ModelKind.LINEAR, 64, false, true, DENSE));
        // 40: the register kernel's last row of X, read with weight 0 and redone by the array path.
        cases.add(Arguments.of(ModelKind.LINEAR, 40, true, false, DENSE));
        cases.add(Arguments.of(ModelKind.SOFTMAX, 64, false, false, DENSE));
        // sparse rows (a fifth of the values non-zero, several segments): SparsePass
        cases.add(Arguments.of(ModelKind.LOGISTIC, 200, true, false, SPARSE));
        cases.add(Arguments.of(ModelKind.LINEAR, 200, false, true, SPARSE));
        cases.add(Arguments.of(ModelKind.SOFTMAX, 200, false, false, SPARSE));
        // float64 rows: Float64Pass
        cases.add(Arguments.of(ModelKind.LOGISTIC, 64, true, false, FLOAT64));
        cases.add(Arguments.of(ModelKind.LINEAR, 64, false, true, FLOAT64));
        cases.add(Arguments.of(ModelKind.SOFTMAX, 64, false, false, FLOAT64));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} d={1} sampleWeights={2} miniBatch={3} rows={4}")
    @MethodSource("cases")
    void steadyStateStepAllocatesNothing(ModelKind kind, int columns, boolean sampleWeights, boolean miniBatch,
                                         String held) {
        Dataset data = TestData.random(kind, ROWS, columns, 3, columns);
        if (held.equals(FLOAT64)) {
            float[] x = data.features();
            double[] wide = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                wide[i] = x[i];
            }
            data = Dataset.rowMajor(wide, ROWS, columns, data.labels());
        }
        if (held.equals(SPARSE)) {
            float[] x = data.features().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 5 == 0 ? x[i] : 0;
            }
            data = Dataset.csr(dev.descent.data.CsrMatrix.fromDense(x, ROWS, columns), data.labels());
        }
        if (sampleWeights) {
            data = data.withSampleWeights(TestData.weights(ROWS, 7));
        }
        int outputs = kind == ModelKind.SOFTMAX ? 3 : 1;
        Problem problem = new Problem(kind, outputs, columns, true, 1e-4, 0, Optimizer.of(OptimizerKind.ADAM));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.upload(data, problem);
            cpu.setParameters(new double[problem.parameterCount()]);
            long[] ids = stepThreadIds();
            long start = System.nanoTime();
            double perStep;
            int batch = miniBatch ? ROWS / 8 : ROWS;
            long key = RowPermutation.epochKey(1, 0);
            do {
                // the sparse and float64 passes are plain Java: no vector kernels to wait for
                boolean vectorKernels = !held.equals(DENSE) || cpu.vectorKernelsChosen();
                long[] before = threads.getThreadAllocatedBytes(ids);
                for (int s = 0; s < STEPS_PER_WINDOW; s++) {
                    cpu.step(key, miniBatch ? (s % 8) * batch : 0, batch, 1e-4);
                }
                long[] after = threads.getThreadAllocatedBytes(ids);
                long bytes = 0;
                for (int t = 0; t < ids.length; t++) {
                    bytes += after[t] - before[t];
                }
                perStep = (double) bytes / STEPS_PER_WINDOW;
                if (vectorKernels && perStep <= MAX_BYTES_PER_STEP) {
                    return;
                }
            } while (System.nanoTime() - start < DEADLINE_NANOS);
            fail(String.format(Locale.ROOT, "%s d=%d: after %d s of steps the step %s",
                    kind, columns, DEADLINE_NANOS / 1_000_000_000L, cpu.vectorKernelsChosen()
                            ? String.format(Locale.ROOT, "still allocates %.0f bytes", perStep)
                            : "still runs the scalar twins, not the vector kernels"));
        }
    }

    /** The calling thread and the live cpu backend worker threads (the pool names them descent-cpu-N). */
    private static long[] stepThreadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().getId());
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("descent-cpu-")) {
                ids.add(thread.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
