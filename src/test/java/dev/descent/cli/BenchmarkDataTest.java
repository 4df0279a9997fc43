package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.ModelKind;
import dev.descent.data.Dataset;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** The benchmark's data come from the seed alone, whatever the threads, and look like what they claim. */
class BenchmarkDataTest {
    /** Several generator blocks and a partial last one. */
    static final String SHAPE = "3001x77";

    @Test
    void theSameSeedGivesTheSameBitsOnAnyNumberOfThreads() throws Exception {
        Dataset parallel = BenchmarkData.generate(ModelKind.LOGISTIC, SHAPE, 2, 5);
        Dataset single = new ForkJoinPool(1).submit(() -> BenchmarkData.generate(ModelKind.LOGISTIC, SHAPE, 2, 5)).get();
        assertArrayEquals(parallel.features(), single.features());
        assertArrayEquals(parallel.labels(), single.labels());
        Dataset other = BenchmarkData.generate(ModelKind.LOGISTIC, SHAPE, 2, 6);
        assertFalse(Arrays.equals(parallel.features(), other.features()), "another seed, other data");
    }

    @Test
    void featuresAreUniformOnMinusOneToOneAndBlocksDiffer() {
        float[] x = BenchmarkData.generate(ModelKind.LINEAR, SHAPE, 1, 1).features();
        assertEquals(3001 * 77, x.length);
        double sum = 0;
        for (float v : x) {
            assertTrue(v >= -1 && v < 1, "value " + v);
            sum += v;
        }
        assertEquals(0, sum / x.length, 0.01, "mean of uniform [-1, 1)");
        // each block has its own seed: the second block does not repeat the first
        assertFalse(Arrays.equals(Arrays.copyOfRange(x, 0, 1000), Arrays.copyOfRange(x, 1 << 16, (1 << 16) + 1000)));
    }

    @Test
    void softmaxLabelsAreClassIndices() {
        float[] y = BenchmarkData.generate(ModelKind.SOFTMAX, "500x3", 7, 2).labels();
        for (float label : y) {
            assertTrue(label >= 0 && label < 7 && label == Math.rint(label), "label " + label);
        }
    }
}
