package dev.descent.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.FitResult;
import dev.descent.FitStatus;
import dev.descent.Fitter;
import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.Backends;
import dev.descent.backend.TestBackends;
import dev.descent.cli.Main;
import dev.descent.data.Dataset;
import dev.descent.data.NpyBytes;
import dev.descent.io.ModelFile;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import dev.descent.optim.Solver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What happens when things go wrong or run long: a save killed halfway, data larger than the heap,
 * a thousand open/close cycles, two threads, and interrupts from the API and from Ctrl-C.
 */
class FailureAndResourceTest {
    /** Open/close cycles per backend. */
    static final int CYCLES = Integer.getInteger("descent.test.cycles", 1_000);
    /**
     * Native memory (resident memory with the heap pinned) the cycles may add: allocator slack and
     * JIT code; a leak of one device buffer set or context per cycle (PoCL: about 1 MiB) would pass
     * it by far.
     */
    static final long NATIVE_GROWTH_BOUND = 64L << 20;
    /** Live threads the cycles may add (none expected; a pool left open per cycle would add 1,000s). */
    static final int THREAD_GROWTH_BOUND = 2;
    /** How long a subprocess may take to show it has started a save or a fit. */
    static final long START_SECONDS = 60;

    @TempDir
    Path folder;

    static Stream<Arguments> everyBackend() {
        return TestBackends.selected().stream().map(provider -> Arguments.of(provider.name()));
    }

    static void requireBackend(String name) {
        TestBackends.require(name);
    }

    // ---- a save killed halfway ----------------------------------------------------------------------

    /**
     * kill -9 during a 20 MB model save, five times at different moments: the file is always a whole
     * model, the previous one or a complete new one, never a torn one.
     */
    @Test
    void aSaveKilledMidWriteLeavesTheFileWhole() throws Exception {
        Path model = folder.resolve("model.json");
        double[] first = {1.5, -2};
        ModelFile.write(model, new ModelFile.SavedModel(new LinearModel(ModelKind.LINEAR, new double[0],
                new double[][] {first}, new double[] {0.25}), List.of("a", "b"), "y", null, 0, 0, null));
        List<String> outcomes = new ArrayList<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            Process saver = Subprocess.java(List.of("-Xmx512m"), SaveInALoop.class.getName(), model.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(saver.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                do {
                    line = out.readLine();
                } while (line != null && !line.equals("saving 2"));
                assertTrue(line != null, "the saver never reached its second save");
                Thread.sleep(20 + 60L * attempt); // somewhere inside save 2 (a save takes ~0.3-1 s)
                saver.destroyForcibly();
                assertTrue(saver.waitFor(30, TimeUnit.SECONDS));
            }
            ModelFile.SavedModel read = ModelFile.read(model); // throws if the file is torn
            double[] weights = read.model().weights()[0];
            boolean previous = Arrays.equals(weights, first);
            boolean whole = weights.length == SaveInALoop.WEIGHTS && Arrays.stream(weights).allMatch(w -> w == weights[0]);
            assertTrue(previous || whole, "attempt " + attempt + ": a model that is neither the previous nor a whole new one");
            outcomes.add(previous ? "previous" : "save " + (int) read.model().intercepts()[0]);
        }
        System.err.println("kill -9 during saves left: " + outcomes);
    }

    // ---- data larger than the heap ------------------------------------------------------------------

    /**
     * A 100 MB .npy and a 45 MB CSV (60 MB as float32) in a JVM with a 32 MiB heap: exit code 2 and a
     * message naming the sizes and -Xmx, whichever collector the JVM picked.
     */
    @Test
    void dataLargerThanTheHeapIsRefusedNamingTheSetting() throws Exception {
        Path x = folder.resolve("x.npy");
        Path y = folder.resolve("y.npy");
        writeNpy(x, 1_000_000, 25);
        writeNpy(y, 1_000_000, 1);
        Path csv = folder.resolve("big.csv");
        StringBuilder text = new StringBuilder("a,b,c,d,y\n");
        for (int i = 0; i < 3_000_000; i++) {
            text.append(i % 7).append(".25,").append(i % 5).append(",3.5,").append(i % 3).append(",1\n");
        }
        Files.writeString(csv, text);
        for (String[] args : new String[][] {
            {"fit", "--train", x.toString(), "--labels", y.toString(), "--model", "linear", "--out", folder.resolve("m.json").toString()},
            {"fit", "--train", csv.toString(), "--model", "linear", "--out", folder.resolve("m.json").toString()}}) {
            Process fit = Subprocess.java(List.of("-Xmx32m"), Main.class.getName(), args).redirectErrorStream(true).start();
            String output = new String(fit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(fit.waitFor(120, TimeUnit.SECONDS));
            assertEquals(Main.EXIT_BAD_INPUT, fit.exitValue(), output);
            assertTrue(output.contains("Java heap") && output.contains("-Xmx") && output.contains("DESCENT_JAVA_OPTS")
                    && output.contains("MiB") && !output.contains("Exception"), output);
        }
    }

    /**
     * A fit whose data fits a 32 MiB heap but whose training metric does not (400,000 rows x 2 features,
     * 10 classes: the probabilities alone are 32 MB): the model is written and the run says so and exits 0,
     * instead of ending "out of memory: this data does not fit" with exit 2 after writing it.
     */
    @Test
    void aMetricTooLargeForTheHeapAfterTheModelIsWrittenIsAWarning() throws Exception {
        Path x = folder.resolve("x.npy");
        Path y = folder.resolve("y.npy");
        float[] features = new float[800_000];
        float[] labels = new float[400_000];
        for (int i = 0; i < labels.length; i++) {
            features[2 * i] = (i % 13) / 13f;
            features[2 * i + 1] = (i % 7) / 7f;
            labels[i] = i % 10;
        }
        try (var out = Files.newOutputStream(x)) {
            out.write(NpyBytes.header(400_000, 2));
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4 * features.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(features);
            out.write(buffer.array());
        }
        Files.write(y, NpyBytes.float32Column(labels));
        Path model = folder.resolve("m.json");
        Process fit = Subprocess.java(List.of("-Xmx32m"), Main.class.getName(), "fit", "--train", x.toString(), "--labels",
                y.toString(), "--model", "softmax", "--max-epochs", "5", "--out", model.toString()).redirectErrorStream(true).start();
        String output = new String(fit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(fit.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, fit.exitValue(), output);
        assertTrue(output.contains("the model is written to") && !output.contains("does not fit"), output);
        ModelFile.read(model);
    }

    private static void writeNpy(Path file, int rows, int columns) throws IOException {
        try (var out = Files.newOutputStream(file)) {
            out.write(NpyBytes.header(rows, columns));
            out.write(new byte[4 * rows * columns]);
        }
    }

    // ---- open and close ----------------------------------------------------------------------------

    /**
     * 1,000 times on each available backend, in a JVM of its own whose heap is fixed and touched up
     * front: fresh data, upload, a step, read back, close. Resident memory after a full GC and the
     * live thread count are measured after a warm-up cycle and at the end (OpenCloseCycles); with the
     * heap pinned, their change is native memory and threads, and must stay within the bounds above.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void openingAndClosingAThousandTimesLeaksNeitherMemoryNorThreads(String backend) throws Exception {
        requireBackend(backend);
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "no /proc/self/status to read resident memory from");
        Process cycles = Subprocess.java(List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"),
                OpenCloseCycles.class.getName(), backend, Integer.toString(CYCLES)).redirectErrorStream(true).start();
        String output = new String(cycles.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cycles.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, cycles.exitValue(), output);
        long[] before = measurement(output, "before");
        long[] after = measurement(output, "after");
        System.err.printf(Locale.ROOT, "%s open/close x%d: resident %,d -> %,d KiB (heap pinned), threads %d -> %d%n", backend,
                CYCLES, before[0] >> 10, after[0] >> 10, before[1], after[1]);
        assertTrue(after[0] - before[0] <= NATIVE_GROWTH_BOUND,
                backend + ": native memory grew by " + ((after[0] - before[0]) >> 20) + " MiB");
        assertTrue(after[1] - before[1] <= THREAD_GROWTH_BOUND, backend + ": threads " + before[1] + " -> " + after[1]);
    }

    private static long[] measurement(String output, String label) {
        for (String line : output.split("\n")) {
            if (line.startsWith(label + " ")) {
                String[] fields = line.trim().split(" ");
                return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])};
            }
        }
        throw new AssertionError("no '" + label + "' line in: " + output);
    }

    // ---- threads -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void twoThreadsOnTwoInstancesGiveWhatOneAfterTheOtherGives(String backend) throws Exception {
        requireBackend(backend);
        Dataset first = TestData.random(ModelKind.LOGISTIC, 2000, 10, 0, 31);
        Dataset second = TestData.random(ModelKind.SOFTMAX, 1500, 8, 4, 32);
        Fitter logistic = Fitter.of(ModelKind.LOGISTIC).backend(backend).maxEpochs(40).batchSize(128).seed(5);
        Fitter softmax = Fitter.of(ModelKind.SOFTMAX).backend(backend).maxEpochs(40).seed(6);
        FitResult firstAlone = logistic.fit(first);
        FitResult secondAlone = softmax.fit(second);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<FitResult> a = pool.submit(() -> {
                start.await();
                return logistic.fit(first);
            });
            Future<FitResult> b = pool.submit(() -> {
                start.await();
                return softmax.fit(second);
            });
            start.countDown();
            assertSameBits(firstAlone, a.get(5, TimeUnit.MINUTES));
            assertSameBits(secondAlone, b.get(5, TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSameBits(FitResult expected, FitResult actual) {
        assertTrue(Arrays.deepEquals(expected.model().weights(), actual.model().weights()), "weights");
        assertArrayEquals(expected.model().intercepts(), actual.model().intercepts(), 0.0, "intercepts");
        assertArrayEquals(expected.objectiveHistory(), actual.objectiveHistory(), 0.0, "history");
    }

    /** One instance, two threads at once: the second call is refused with both threads named, never a silent race. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void oneInstanceUsedFromTwoThreadsAtOnceIsRefused(String backend) throws Exception {
        requireBackend(backend);
        Dataset data = TestData.random(ModelKind.LINEAR, 20_000, 32, 0, 33);
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        AtomicReference<Throwable> other = new AtomicReference<>();
        try (Backend device = Backends.open(backend).backend()) {
            device.upload(data, new Problem(ModelKind.LINEAR, 1, 32, true, 0, 0, Optimizer.of(OptimizerKind.GD)));
            device.setParameters(new double[33]);
            Runnable hammer = () -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (refusal.get() == null && System.nanoTime() < end) {
                    try {
                        device.step(0, 0, 20_000, 1e-3);
                        device.lastObjective();
                    } catch (IllegalStateException e) {
                        refusal.compareAndSet(null, e);
                    } catch (Throwable t) {
                        other.compareAndSet(null, t);
                        return;
                    }
                }
            };
            Thread one = new Thread(hammer, "first-user");
            Thread two = new Thread(hammer, "second-user");
            one.start();
            two.start();
            one.join();
            two.join();
        }
        assertEquals(null, other.get(), "only the refusal may escape");
        assertTrue(refusal.get() != null, "two threads stepping one instance for 20 s were never refused");
        String message = refusal.get().getMessage();
        assertTrue(message.contains("first-user") && message.contains("second-user") && message.contains("one thread"), message);
    }

    // ---- interrupts ---------------------------------------------------------------------------------

    static Stream<Arguments> everyBackendFullAndMiniBatch() {
        List<Arguments> cases = new ArrayList<>();
        for (BackendProvider provider : TestBackends.selected()) {
            cases.add(Arguments.of(provider.name(), 0));
            cases.add(Arguments.of(provider.name(), 64));
        }
        return cases.stream();
    }

    /**
     * Thread.interrupt during a long fit: it ends at the next step with INTERRUPTED, the best weights
     * so far (finite, and no worse than the first epoch's), and the thread's flag set again.
     */
    @ParameterizedTest(name = "{0} batch {1}")
    @MethodSource("everyBackendFullAndMiniBatch")
    void interruptingAFitReturnsTheBestWeightsSoFar(String backend, int batch) throws Exception {
        requireBackend(backend);
        Dataset data = TestData.random(ModelKind.LOGISTIC, 3000, 16, 0, 34);
        CountDownLatch running = new CountDownLatch(5);
        AtomicReference<FitResult> result = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread fitting = new Thread(() -> {
            // first-order steps with no stopping rule never end by themselves (L-BFGS stops at float32's floor)
            result.set(Fitter.of(ModelKind.LOGISTIC).solver(Solver.FIRST_ORDER).backend(backend).batchSize(batch)
                    .maxEpochs(10_000_000).tolerance(0)
                    .gradientTolerance(0).listener((epoch, objective, norm, rate) -> running.countDown()).fit(data));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        fitting.start();
        assertTrue(running.await(START_SECONDS, TimeUnit.SECONDS), "the fit never got going");
        fitting.interrupt();
        fitting.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(!fitting.isAlive(), "the fit did not stop within 60 s of the interrupt");
        FitResult fit = result.get();
        assertEquals(FitStatus.INTERRUPTED, fit.status(), fit.reason());
        assertTrue(fit.reason().contains("interrupted after") && fit.reason().contains("best"), fit.reason());
        assertTrue(Arrays.stream(fit.model().weights()[0]).allMatch(Double::isFinite));
        assertTrue(fit.objective() <= fit.objectiveHistory()[0] + 1e-6, fit.objective() + " > " + fit.objectiveHistory()[0]);
        assertEquals(Boolean.TRUE, flagAfter.get(), "the interrupt flag is handed back to the caller");
    }

    /** Ctrl-C (SIGINT) during `descent fit`: exit code 130, and the model file holds the best weights with status INTERRUPTED. */
    @Test
    void ctrlCStopsACommandLineFitAndStillWritesTheModel() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")), "no kill command");
        Path csv = folder.resolve("train.csv");
        Dataset data = TestData.random(ModelKind.LOGISTIC, 20_000, 8, 0, 35);
        StringBuilder text = new StringBuilder("a,b,c,d,e,f,g,h,y\n");
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < 8; j++) {
                text.append(data.features()[i * 8 + j]).append(',');
            }
            text.append((int) data.labels()[i]).append('\n');
        }
        Files.writeString(csv, text);
        Path model = folder.resolve("model.json");
        Process fit = Subprocess.java(List.of("-Xmx512m"), Main.class.getName(), "fit", "--train", csv.toString(), "--model",
                "logistic", "--max-epochs", "100000000", "--tol", "0", "--batch", "100", "--out", model.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(fit.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            while (line != null && !line.startsWith("fitting")) {
                output.append(line).append('\n');
                line = out.readLine();
            }
            assertTrue(line != null, "the fit never started: " + output);
            Thread.sleep(1500);
            Subprocess.interrupt(fit);
            for (line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
            }
        }
        assertTrue(fit.waitFor(60, TimeUnit.SECONDS), "no exit after Ctrl-C");
        assertEquals(Main.EXIT_INTERRUPTED, fit.exitValue(), output.toString());
        assertTrue(output.toString().contains("INTERRUPTED: interrupted after"), output.toString());
        ModelFile.SavedModel saved = ModelFile.read(model);
        assertEquals("INTERRUPTED", saved.fit().status());
        assertTrue(Arrays.stream(saved.model().weights()[0]).allMatch(Double::isFinite));
    }
}
