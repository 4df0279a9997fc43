package dev.descent.reliability;

import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.backend.Backend;
import dev.descent.backend.Backends;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a backend, uploads fresh data, steps, reads back and closes it, args[1] times, and prints
 * the resident memory and live threads after the first cycle and after the last:
 * "before RSS_BYTES THREADS" and "after RSS_BYTES THREADS". Run by {@link FailureAndResourceTest} in a
 * JVM whose heap is fixed and touched up front (-Xms = -Xmx, AlwaysPreTouch), so that a change in
 * resident memory is native memory (driver, device buffers, threads), not the heap growing.
 */
public final class OpenCloseCycles {
    /** 1.2 MiB of X per cycle: a copy of it leaked each cycle would be 1.2 GiB after 1,000, far past the bound. */
    static final int ROWS = 5_000;
    static final int COLUMNS = 64;
    private OpenCloseCycles() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        int cycles = Integer.parseInt(args[1]);
        cycle(backend, 0);
        System.out.println("before " + resident() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
        for (int i = 1; i < cycles; i++) {
            cycle(backend, i);
        }
        System.out.println("after " + resident() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static void cycle(String backend, int seed) {
        Dataset data = TestData.random(ModelKind.LOGISTIC, ROWS, COLUMNS, 0, seed);
        try (Backend device = Backends.open(backend).backend()) {
            device.upload(data, new Problem(ModelKind.LOGISTIC, 1, COLUMNS, true, 1e-3, 0, Optimizer.of(OptimizerKind.ADAM)));
            device.setParameters(new double[COLUMNS + 1]);
            device.step(0, 0, ROWS, 0.01);
            if (!Double.isFinite(device.lastObjective())) {
                throw new IllegalStateException("non-finite objective");
            }
            device.readParameters();
        }
    }

    /** VmRSS after a full GC. */
    private static long resident() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
