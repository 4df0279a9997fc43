package dev.descent;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of a test run, why its skipped tests were skipped: each distinct reason once, with how
 * many tests it stopped (a test that needs hardware aborts on an assumption that names what is missing).
 * Maven's summary gives only the count. Registered in META-INF/services, so every surefire run uses it.
 */
public final class SkipReasons implements TestExecutionListener {
    private final Map<String, Integer> reasons = new TreeMap<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        count(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            count(test, result.getThrowable().map(Throwable::getMessage).orElse("no reason given"));
        }
    }

    private synchronized void count(TestIdentifier test, String reason) {
        if (test.isTest()) {
            reasons.merge(reason == null ? "no reason given" : reason, 1, Integer::sum);
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        reasons.forEach((reason, count) -> System.err.printf("skipped %d test%s: %s%n", count, count == 1 ? "" : "s",
                reason));
        reasons.clear();
    }
}
