package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.InvalidInputException;
import org.junit.jupiter.api.Test;

/** CSR data through the Java API: what it holds, and each malformed array refused with the row and column. */
class CsrMatrixTest {

    /** X^T of a hand-made X: each column's non-zeros at their rows, in row order; twice is X again. */
    @Test
    void transposedHoldsTheColumnsInRowOrder() {
        // X = [[1, 0, 2], [0, 0, 0], [3, 4, 0]]
        CsrMatrix x = CsrMatrix.of(new long[] {0, 2, 2, 4}, new int[] {0, 2, 0, 1}, new float[] {1, 2, 3, 4}, 3);
        CsrMatrix columns = x.transposed();
        assertEquals(3, columns.rows());
        assertEquals(3, columns.columns());
        assertArrayEquals(new long[] {0, 2, 3, 4}, columns.rowOffsets());
        assertArrayEquals(new int[] {0, 2, 2, 0}, columns.columnIndices());
        assertArrayEquals(new float[] {1, 3, 4, 2}, columns.values());
        CsrMatrix back = columns.transposed();
        assertArrayEquals(x.rowOffsets(), back.rowOffsets());
        assertArrayEquals(x.columnIndices(), back.columnIndices());
        assertArrayEquals(x.values(), back.values());
        assertArrayEquals(x.toDense(), back.toDense());
    }

    @Test
    void denseAndBackWithAnEmptyRow() {
        float[] dense = {0, 2, 0, 0, 0, 0, -1, 0, 3};
        CsrMatrix x = CsrMatrix.fromDense(dense, 3, 3);
        assertArrayEquals(new long[] {0, 1, 1, 3}, x.rowOffsets());
        assertArrayEquals(new int[] {1, 0, 2}, x.columnIndices());
        assertArrayEquals(new float[] {2, -1, 3}, x.values());
        assertEquals(3, x.nonZeros());
        assertEquals(3.0 / 9, x.density(), 1e-15);
        assertEquals(8 * 4 + 4 * 3 + 4 * 3, x.bytes());
        assertArrayEquals(dense, x.toDense());
        Dataset data = Dataset.csr(x, new float[] {1, 0, 1});
        assertTrue(data.isSparse());
        assertArrayEquals(dense, data.dense().features());
        assertThrows(IllegalStateException.class, data::features, "sparse data has no dense array to hand out");
    }

    @Test
    void malformedArraysAreRefusedNamingTheRow() {
        refused(() -> CsrMatrix.of(new long[] {0, 2}, new int[] {3, 1}, new float[] {1, 1}, 5), "row index 0", "increase strictly");
        refused(() -> CsrMatrix.of(new long[] {0, 2}, new int[] {1, 1}, new float[] {1, 1}, 5), "row index 0", "no repeats");
        refused(() -> CsrMatrix.of(new long[] {0, 1, 2}, new int[] {1, 5}, new float[] {1, 1}, 5), "row index 1", "outside 0..4");
        refused(() -> CsrMatrix.of(new long[] {0, 1, 2}, new int[] {1, -1}, new float[] {1, 1}, 5), "row index 1", "outside");
        refused(() -> CsrMatrix.of(new long[] {0, 1}, new int[] {2}, new float[] {Float.NaN}, 5), "row index 0, column index 2",
                "finite");
        refused(() -> CsrMatrix.of(new long[] {0, 2, 1, 2}, new int[] {0, 1}, new float[] {1, 1}, 5), "row index 1", "decrease");
        refused(() -> CsrMatrix.of(new long[] {0, 1}, new int[] {0, 1}, new float[] {1, 1}, 5), "from 0 to the 2 non-zeros");
        refused(() -> CsrMatrix.of(new long[] {0, 1}, new int[] {0}, new float[] {1, 1}, 5), "pair up");
        refused(() -> CsrMatrix.of(new long[] {0}, new int[0], new float[0], 5), "no rows");
        refused(() -> CsrMatrix.of(new long[] {0, 0}, new int[0], new float[0], 0), "zero features");
        refused(() -> Dataset.csr(CsrMatrix.fromDense(new float[] {1, 0}, 1, 2), new float[] {1, 2}), "same length");
    }

    private static void refused(org.junit.jupiter.api.function.Executable call, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }
}
