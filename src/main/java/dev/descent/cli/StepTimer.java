package dev.descent.cli;

import dev.descent.backend.Backend;
import dev.descent.backend.Instrumentation;
import java.util.Arrays;

/**
 * Times full-batch steps on an uploaded backend, after a warm-up of at least a number of steps and
 * a number of seconds. Steps alone are not enough: the JIT compiles each cpu kernel in 0.1-0.5 s on
 * a busy 2-core machine, and ten warm-up steps of 1.4 ms at 200,000 x 64 ended long before that, so
 * the median of 50 timed steps came out at 1.7 ms with a p90 of 4.1 (and the demo's median of 30 at
 * 4 ms, three times the compiled step).
 */
final class StepTimer {
    /** Sorted step times in ms, the clock they came from, and the sum of the objectives read (finite unless a step failed). */
    record Timing(double[] sortedMillis, String clock, double objectiveSum) {
        double median() {
            return sortedMillis[sortedMillis.length / 2];
        }

        /** The sample at {@code percent} percent of the sorted samples (index n * percent / 100, at most the last). */
        double percentile(int percent) {
            return sortedMillis[Math.min(sortedMillis.length - 1, sortedMillis.length * percent / 100)];
        }
    }

    /** The longest warm-up spent waiting for {@link Backend#warmedUp}: past a cpu backend's kernel warm-up limit. */
    static final long MAX_WARMUP_NANOS = 60_000_000_000L;

    private StepTimer() {
    }

    /**
     * Full-batch steps at learning rate 1e-3: untimed until at least {@code warmupSteps} have run,
     * {@code warmupSeconds} have passed and the backend is {@linkplain Backend#warmedUp warmed up}, then {@code samples} timed samples of {@code stepsPerSample}
     * steps each, the objective read back after each sample. A sample is the backend's own device
     * time of its last step where it reports one, else the wall clock divided by the steps.
     */
    static Timing time(Backend backend, int rows, int warmupSteps, double warmupSeconds, int samples, int stepsPerSample) {
        double sink = 0;
        long warmupNanos = (long) (warmupSeconds * 1e9);
        long start = System.nanoTime();
        for (int i = 0; i < warmupSteps || System.nanoTime() - start < warmupNanos
                || !backend.warmedUp() && System.nanoTime() - start < MAX_WARMUP_NANOS; i++) {
            backend.step(0, 0, rows, 1e-3);
            sink += backend.lastObjective();
        }
        String clock = "wall clock";
        double[] millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            long begin = System.nanoTime();
            for (int j = 0; j < stepsPerSample; j++) {
                backend.step(0, 0, rows, 1e-3);
            }
            sink += backend.lastObjective();
            millis[i] = (System.nanoTime() - begin) / 1e6 / stepsPerSample;
            double onDevice = backend.instrumentation().map(Instrumentation::lastStepDeviceMillis).orElse(Double.NaN);
            if (!Double.isNaN(onDevice)) {
                millis[i] = onDevice;
                clock = "device events";
            }
        }
        Arrays.sort(millis);
        return new Timing(millis, clock, sink);
    }
}
