package dev.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same data, partitioning and settings give the same bits, whatever order tasks finish in, with a
 * task that fails and is retried, and with an executor that loses its uploaded partitions.
 */
class DeterminismAndFaultsTest {
    /** Enough partitions for a two-level tree at aggregationDepth 2 (fan-in 4). */
    static final int PARTITIONS = 16;

    @AfterEach
    void noFault() {
        PartitionCache.fault = null;
    }

    private static DescentLogisticRegression estimator(int depth) {
        return new DescentLogisticRegression().setRegParam(1e-3).setTol(1e-12).setMaxIter(100).setAggregationDepth(depth);
    }

    private static double[] parameters(DescentLogisticRegressionModel model) {
        double[] weights = model.coefficientMatrix().toArray();
        double[] all = java.util.Arrays.copyOf(weights, weights.length + model.numClasses());
        System.arraycopy(model.interceptVector().toArray(), 0, all, weights.length, model.interceptVector().size());
        return all;
    }

    @Test
    void repeatedFitsGiveTheSameBitsAtEveryDepth() {
        SparkTests.Data data = SparkTests.generate(4000, 6, 3, true, PARTITIONS, 41);
        for (int depth : new int[] {2, 3}) {
            DescentLogisticRegressionModel first = estimator(depth).setWeightCol("weight").fit(data.frame());
            DescentLogisticRegressionModel second = estimator(depth).setWeightCol("weight").fit(data.frame());
            assertArrayEquals(parameters(first), parameters(second), "depth " + depth);
            assertArrayEquals(first.summary().objectiveHistory(), second.summary().objectiveHistory());
        }
    }

    @Test
    void aFailedTaskIsRetriedAndTheFitIsUnchanged() {
        SparkTests.Data data = SparkTests.generate(3000, 5, 2, false, 4, 42);
        DescentLogisticRegressionModel clean = estimator(2).fit(data.frame());
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        // partition 2's first attempt fails on the fifth pass (a lost task, a preempted executor)
        PartitionCache.fault = (partition, attempt) -> {
            if (partition == 2 && calls.incrementAndGet() == 5 && attempt == 0) {
                failures.incrementAndGet();
                throw new IllegalStateException("injected failure of partition 2's task");
            }
        };
        DescentLogisticRegressionModel retried = estimator(2).fit(data.frame());
        assertEquals(1, failures.get(), "the fault was injected once");
        assertArrayEquals(parameters(clean), parameters(retried));
    }

    @Test
    void anExecutorThatLosesItsUploadsRebuildsThem() {
        SparkTests.Data data = SparkTests.generate(3000, 5, 2, false, 4, 43);
        long before = PartitionCache.uploads();
        DescentLogisticRegressionModel clean = estimator(2).fit(data.frame());
        long cleanUploads = PartitionCache.uploads() - before;
        assertEquals(4, cleanUploads, "each partition uploaded once for the whole fit");
        assertTrue(clean.summary().passes() > 4);
        AtomicInteger calls = new AtomicInteger();
        PartitionCache.fault = (partition, attempt) -> {
            if (calls.incrementAndGet() == 9) {
                PartitionCache.releaseAll(); // every upload of this JVM gone, as when an executor is replaced
            }
        };
        before = PartitionCache.uploads();
        DescentLogisticRegressionModel rebuilt = estimator(2).fit(data.frame());
        assertTrue(PartitionCache.uploads() - before > 4, "the lost partitions were uploaded again");
        assertArrayEquals(parameters(clean), parameters(rebuilt));
    }

    @Test
    void aFitReleasesItsBackends() {
        SparkTests.Data data = SparkTests.generate(1000, 3, 2, false, 3, 44);
        estimator(2).fit(data.frame());
        assertEquals(0, PartitionCache.size(), "backends left open after the fit");
    }
}
