package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the warm-up starts: after the delay, or at once after a heavy pass that was not the first; never when forced. */
class KernelWarmUpTest {
    private static final long HEAVY_MILLIS = KernelWarmUp.WARM_UP_DELAY_NANOS / KernelWarmUp.HEAVY_PASS_FRACTION / 1_000_000;

    @Test
    void lightPassesWaitForTheDelay() throws InterruptedException {
        KernelWarmUp warmUp = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP);
        for (int pass = 0; pass < 20; pass++) {
            assertFalse(warmUp.dueToStart(), "pass " + pass);
        }
        Thread.sleep(KernelWarmUp.WARM_UP_DELAY_NANOS / 1_000_000 + 10);
        assertTrue(warmUp.dueToStart(), "after the delay");
    }

    @Test
    void aHeavyPassAfterTheFirstStartsItAtOnce() throws InterruptedException {
        KernelWarmUp warmUp = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP);
        assertFalse(warmUp.dueToStart());
        Thread.sleep(HEAVY_MILLIS + 10);
        assertFalse(warmUp.dueToStart(), "the first pass runs interpreted code and does not count");
        Thread.sleep(HEAVY_MILLIS + 10);
        assertTrue(warmUp.dueToStart(), "the second pass was heavy");
    }

    @Test
    void aForcedChoiceNeverWarmsUp() throws InterruptedException {
        for (KernelWarmUp.Choice choice : new KernelWarmUp.Choice[] {KernelWarmUp.Choice.VECTOR, KernelWarmUp.Choice.SCALAR}) {
            KernelWarmUp warmUp = new KernelWarmUp(choice);
            assertFalse(warmUp.dueToStart());
            Thread.sleep(HEAVY_MILLIS + 10);
            assertFalse(warmUp.dueToStart());
            Thread.sleep(HEAVY_MILLIS + 10);
            assertFalse(warmUp.dueToStart(), choice.toString());
        }
    }
}
