package dev.descent.bench;

import dev.descent.ModelKind;
import dev.descent.backend.Backend;
import dev.descent.backend.cpu.StreamingRead;
import dev.descent.cli.BenchmarkData;
import dev.descent.data.Dataset;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cpu step of {@link FullBatchStep} against the memory floor, alternated in one process: read, step, step, read, ...
 * the ratio of each step to the read beside it, and the bytes allocated per pair. On a shared
 * machine the memory bandwidth a process gets drifts by a third over minutes; JMH times the step
 * and the read in separate forks, minutes apart, so their ratio carries that drift. The median of
 * paired ratios does not.
 *
 * <pre>
 * mvn -B -q -f bench/pom.xml package
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.descent.bench.PairedStep \
 *     [pairs, 200] [shapes, 1000000x64,50000x1024] [models, linear,logistic]
 * </pre>
 */
public final class PairedStep {
    private static final String DEFAULT_SHAPES = "1000000x64,50000x1024";
    private static final String DEFAULT_MODELS = "linear,logistic";
    private static final int WARMUP_PAIRS = 30;
    /**
     * Warm-up also lasts at least this long: C2 takes 0.1-0.5 s to compile a vector kernel on this
     * 2-core machine, whose cores the workers are using, and 30 pairs (about 1 s) sometimes ended
     * before it had; the whole measurement then timed C1's boxed vector code, twice as slow.
     */
    private static final long WARMUP_NANOS = 5_000_000_000L;

    private PairedStep() {
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String[] shapes = (args.length > 1 ? args[1] : DEFAULT_SHAPES).split(",");
        String[] models = (args.length > 2 ? args[2] : DEFAULT_MODELS).split(",");
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT,
                "cpu step vs streaming read of X, %d alternated pairs after %d warm-up pairs and at least %d s, %d threads%n",
                pairs, WARMUP_PAIRS, WARMUP_NANOS / 1_000_000_000L, threads);
        System.out.printf(Locale.ROOT, "%-12s %-9s %10s %10s %12s %22s %14s%n", "shape", "model", "read ms", "step ms",
                "X GB/s read", "step/read (q1..q3)", "bytes/pair");
        for (String shape : shapes) {
            for (String model : models) {
                measure(shape, ModelKind.parse(model), pairs, threads);
            }
        }
    }

    private static void measure(String shape, ModelKind kind, int pairs, int threads) {
        Dataset data = BenchmarkData.generate(kind, shape, 2, FullBatchStep.SEED);
        double[] read = new double[pairs];
        double[] step = new double[pairs];
        double[] ratio = new double[pairs];
        double sink = 0;
        double allocated;
        try (StreamingRead floor = new StreamingRead(data.features(), threads);
             Backend backend = FullBatchStep.openAtStart("cpu", kind, data)) {
            long warmedAt = System.nanoTime() + WARMUP_NANOS;
            for (int p = 0; p < WARMUP_PAIRS || System.nanoTime() < warmedAt; p++) {
                sink += floor.sum() + FullBatchStep.fullBatchStep(backend, data);
            }
            long allocatedBefore = allocatedBytes();
            for (int p = 0; p < pairs; p++) {
                // Alternate which goes first, so neither always follows the other's cache state.
                boolean readFirst = (p & 1) == 0;
                long t0 = System.nanoTime();
                if (readFirst) {
                    sink += floor.sum();
                } else {
                    sink += FullBatchStep.fullBatchStep(backend, data);
                }
                long t1 = System.nanoTime();
                if (readFirst) {
                    sink += FullBatchStep.fullBatchStep(backend, data);
                } else {
                    sink += floor.sum();
                }
                long t2 = System.nanoTime();
                read[p] = (readFirst ? t1 - t0 : t2 - t1) / 1e6;
                step[p] = (readFirst ? t2 - t1 : t1 - t0) / 1e6;
                ratio[p] = step[p] / read[p];
            }
            allocated = (allocatedBytes() - allocatedBefore) / (double) pairs;
        }
        Arrays.sort(read);
        Arrays.sort(step);
        Arrays.sort(ratio);
        double bytes = (double) Float.BYTES * data.features().length;
        System.out.printf(Locale.ROOT, "%-12s %-9s %10.3f %10.3f %12.1f %8.3f (%.3f..%.3f) %14.0f%s%n", shape, kind,
                median(read), median(step), bytes / median(read) / 1e6, median(ratio), ratio[pairs / 4],
                ratio[3 * pairs / 4], allocated, sink == Double.MIN_VALUE ? " " : "");
    }

    /**
     * Bytes allocated so far by every live thread: the step must allocate nothing once compiled,
     * and a kernel whose vectors the JIT failed to keep in registers allocates megabytes a step
     * (bench/results/2026-11-23-jit-cutoff), so the difference over the timed pairs is printed.
     */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(bytes, 0);
        }
        return total;
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }
}
