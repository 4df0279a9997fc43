package dev.descent.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When the warm-up starts: after the delay of twin passes in the process, or at once after a heavy pass that
 * was not the first; never when forced. What a family learns holds for every later upload.
 */
class KernelWarmUpTest {
    private static final long HEAVY_MILLIS = KernelWarmUp.WARM_UP_DELAY_NANOS / KernelWarmUp.HEAVY_PASS_FRACTION / 1_000_000;

    @Test
    void lightPassesWaitForTheDelay() throws InterruptedException {
        KernelWarmUp warmUp = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP, new KernelWarmUp.Family());
        for (int pass = 0; pass < 20; pass++) {
            assertFalse(warmUp.dueToStart(), "pass " + pass);
        }
        Thread.sleep(KernelWarmUp.WARM_UP_DELAY_NANOS / 1_000_000 + 10);
        assertTrue(warmUp.dueToStart(), "after the delay");
    }

    @Test
    void aHeavyPassAfterTheFirstStartsItAtOnce() throws InterruptedException {
        KernelWarmUp warmUp = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP, new KernelWarmUp.Family());
        assertFalse(warmUp.dueToStart());
        Thread.sleep(HEAVY_MILLIS + 10);
        assertFalse(warmUp.dueToStart(), "the first pass runs interpreted code and does not count");
        Thread.sleep(HEAVY_MILLIS + 10);
        assertTrue(warmUp.dueToStart(), "the second pass was heavy");
    }

    @Test
    void aForcedChoiceNeverWarmsUp() throws InterruptedException {
        for (KernelWarmUp.Choice choice : new KernelWarmUp.Choice[] {KernelWarmUp.Choice.VECTOR, KernelWarmUp.Choice.SCALAR}) {
            KernelWarmUp warmUp = new KernelWarmUp(choice, new KernelWarmUp.Family());
            assertFalse(warmUp.dueToStart());
            Thread.sleep(HEAVY_MILLIS + 10);
            assertFalse(warmUp.dueToStart());
            Thread.sleep(HEAVY_MILLIS + 10);
            assertFalse(warmUp.dueToStart(), choice.toString());
        }
    }

    @Test
    void theTwinsTimeAndTheSwitchHoldForTheWholeProcess() throws InterruptedException {
        KernelWarmUp.Family family = new KernelWarmUp.Family();
        KernelWarmUp first = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP, family);
        first.dueToStart();
        Thread.sleep(KernelWarmUp.WARM_UP_DELAY_NANOS / 1_000_000 / 2 + 10);
        assertFalse(first.dueToStart(), "half the delay");
        KernelWarmUp second = new KernelWarmUp(KernelWarmUp.Choice.WARM_UP, family);
        second.dueToStart();
        Thread.sleep(KernelWarmUp.WARM_UP_DELAY_NANOS / 1_000_000 / 2 + 10);
        assertTrue(second.dueToStart(), "a later upload's twin time adds to the earlier one's");
        family.vectorFaster = true;
        assertTrue(new KernelWarmUp(KernelWarmUp.Choice.WARM_UP, family).vectorChosen(), "switched once, switched for all");
        assertFalse(new KernelWarmUp(KernelWarmUp.Choice.SCALAR, family).vectorChosen(), "a forced choice stays forced");
    }
}
