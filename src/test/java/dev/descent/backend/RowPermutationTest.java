package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RowPermutationTest {
    @Test
    void everyRowExactlyOncePerEpoch() {
        for (int rows : new int[] {1, 2, 3, 5, 16, 17, 1000, 65_537, 300_001}) {
            long key = RowPermutation.epochKey(7, 3);
            boolean[] seen = new boolean[rows];
            for (int p = 0; p < rows; p++) {
                int row = RowPermutation.row(key, rows, p);
                assertTrue(row >= 0 && row < rows, "row " + row + " of " + rows);
                assertTrue(!seen[row], "row " + row + " twice, n = " + rows);
                seen[row] = true;
            }
        }
    }

    @Test
    void epochsAndSeedsShuffleDifferently() {
        int rows = 1000;
        int[] a = order(RowPermutation.epochKey(1, 0), rows);
        int[] b = order(RowPermutation.epochKey(1, 1), rows);
        int[] c = order(RowPermutation.epochKey(2, 0), rows);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        int fixedPoints = 0;
        for (int p = 0; p < rows; p++) {
            fixedPoints += a[p] == p ? 1 : 0;
        }
        assertTrue(fixedPoints < 10, "a shuffle leaves about 1 row in place, not " + fixedPoints);
        assertEquals(Arrays.toString(a), Arrays.toString(order(RowPermutation.epochKey(1, 0), rows)), "same key, same order");
    }

    private static int[] order(long key, int rows) {
        int[] order = new int[rows];
        for (int p = 0; p < rows; p++) {
            order[p] = RowPermutation.row(key, rows, p);
        }
        return order;
    }
}
