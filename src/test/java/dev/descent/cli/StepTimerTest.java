package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.backend.Backend;
import dev.descent.backend.reference.ReferenceBackend;
import dev.descent.data.Dataset;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import org.junit.jupiter.api.Test;

/** The warm-up of `descent bench` and the demo lasts its seconds as well as its steps; samples come back sorted. */
class StepTimerTest {
    static final double WARMUP_SECONDS = 0.3;
    static final int SAMPLES = 7;

    @Test
    void warmsUpForItsSecondsThenTimesSortedSamples() {
        Dataset data = TestData.random(ModelKind.LOGISTIC, 200, 5, 0, 11);
        Problem problem = new Problem(ModelKind.LOGISTIC, 1, 5, true, 0, 0, Optimizer.of(OptimizerKind.GD));
        try (Backend backend = new ReferenceBackend()) {
            backend.upload(data, problem);
            backend.setParameters(new double[problem.parameterCount()]);
            long start = System.nanoTime();
            StepTimer.Timing timing = StepTimer.time(backend, data.rows(), 1, WARMUP_SECONDS, SAMPLES, 2);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= WARMUP_SECONDS, "returned after " + seconds + " s");
            double[] millis = timing.sortedMillis();
            assertEquals(SAMPLES, millis.length);
            for (int i = 1; i < SAMPLES; i++) {
                assertTrue(millis[i - 1] <= millis[i], "sorted");
            }
            assertTrue(millis[0] > 0, "positive step times");
            assertEquals(millis[SAMPLES / 2], timing.median());
            assertEquals(millis[0], timing.percentile(10));
            assertEquals(millis[SAMPLES - 1], timing.percentile(100));
            assertEquals("wall clock", timing.clock());
            assertTrue(Double.isFinite(timing.objectiveSum()));
        }
    }
}
