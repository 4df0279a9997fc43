package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readers on the small files in src/test/resources/data (the .npy files come from make_npy.py there). */
class DataFileTest {
    static Path resource(String name) {
        return TestData.dataFile(name);
    }

    static DataFile.Table fit(String name, String label, String weights, String labels) {
        return DataFile.read(resource(name), DataFile.Format.guess(resource(name)),
                DataFile.Request.forFit(label, weights, labels == null ? null : resource(labels)));
    }

    static void rejects(Runnable read, String... fragments) {
        DataFormatException e = assertThrows(DataFormatException.class, read::run);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void csvWithQuotesExponentsAndBlankLines() {
        DataFile.Table table = fit("small.csv", null, null, null);
        assertEquals(List.of("x1", "x2"), table.featureNames());
        assertEquals("y", table.labelName());
        assertArrayEquals(new float[] {1.5f, 2, -1, 0.25f, 300, 4, 0.5f, -0.25f}, table.data().features());
        assertArrayEquals(new float[] {3.5f, -0.75f, 304, 0.25f}, table.data().labels());
    }

    @Test
    void csvLabelAndWeightColumnsByNameWithCrlf() {
        DataFile.Table table = fit("weighted_crlf.csv", "label", "w", null);
        assertEquals(List.of("a", "b"), table.featureNames());
        assertArrayEquals(new float[] {1, 3, 4, 6, 7, 9}, table.data().features());
        assertArrayEquals(new float[] {2, 0.5f, 1}, table.data().sampleWeights());
    }

    @Test
    void csvForPredictTakesTheModelsColumnsInItsOrder() {
        DataFile.Table table = DataFile.read(resource("weighted_crlf.csv"), DataFile.Format.CSV,
                DataFile.Request.forPredict("missing", null, List.of("b", "a")));
        assertArrayEquals(new float[] {3, 1, 6, 4, 9, 7}, table.data().features());
        assertNull(table.data().labels());
    }

    /** A CSV without a header lost its first row as column names, without a word: now it is refused, or read as data. */
    @Test
    void aCsvWithoutAHeaderIsNamedOrReadWithNoHeader(@org.junit.jupiter.api.io.TempDir Path folder) throws java.io.IOException {
        Path csv = folder.resolve("no_header.csv");
        java.nio.file.Files.writeString(csv, "\n1.5,2,0\n-1,4e2,1\n3,0.25,1\n");
        rejects(() -> DataFile.read(csv, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null)),
                "no_header.csv:2", "all numbers", "--no-header");
        DataFile.Table table = DataFile.read(csv, DataFile.Format.CSV, DataFile.Request.forFit(null, null, null).withoutHeader());
        assertEquals(List.of("column1", "column2"), table.featureNames());
        assertEquals("column3", table.labelName());
        assertArrayEquals(new float[] {1.5f, 2, -1, 400, 3, 0.25f}, table.data().features());
        assertArrayEquals(new float[] {0, 1, 1}, table.data().labels());
        assertArrayEquals(new int[] {2, 3, 4}, table.lines(), "errors still name the file's lines");
        DataFile.Table named = DataFile.read(csv, DataFile.Format.CSV,
                DataFile.Request.forPredict(null, null, List.of("column2", "column1")).withoutHeader());
        assertArrayEquals(new float[] {2, 1.5f, 400, -1, 0.25f, 3}, named.data().features());
        assertThrows(dev.descent.InvalidInputException.class, () -> DataFile.read(resource("small.svm"),
                DataFile.Format.LIBSVM, DataFile.Request.forFit(null, null, null).withoutHeader()));
    }

    @Test
    void aDirectoryOrAPipeIsNamedAsSuch(@org.junit.jupiter.api.io.TempDir Path folder) throws Exception {
        DataFile.Request request = DataFile.Request.forFit(null, null, null);
        rejects(() -> DataFile.read(folder, DataFile.Format.CSV, request), "is a directory");
        rejects(() -> DataFile.read(folder.resolve("absent.csv"), DataFile.Format.CSV, request), "no such file");
        Path fifo = folder.resolve("fifo.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo (coreutils) makes the pipe");
        rejects(() -> DataFile.read(fifo, DataFile.Format.CSV, request), "not a regular file");
    }

    @Test
    void csvErrorsNameFileLineAndColumn() {
        rejects(() -> fit("non_numeric.csv", null, null, null), "non_numeric.csv:3, column 2 (b)", "'x7' is not a number");
        rejects(() -> fit("ragged.csv", null, null, null), "ragged.csv:3", "2 fields", "header has 3");
        rejects(() -> fit("empty_field.csv", null, null, null), "empty_field.csv:2, column 2 (b)", "empty");
        rejects(() -> fit("nan_field.csv", null, null, null), "nan_field.csv:3, column 2 (b)");
        rejects(() -> fit("small.csv", "target", null, null), "small.csv:1", "no label column 'target'");
        rejects(() -> fit("weighted_crlf.csv", "label", "weight", null), "no weight column 'weight'");
        rejects(() -> fit("missing.csv", null, null, null), "missing.csv", "no such file");
    }

    @Test
    void libsvmIsMadeDenseWithCommentsSkipped() {
        DataFile.Table table = fit("small.svm", null, null, null);
        assertEquals(List.of("f0", "f1", "f2"), table.featureNames());
        assertArrayEquals(new float[] {0.5f, 0, 2.5f, 0, 1, 0, 1, 2, 3}, table.data().features());
        assertArrayEquals(new float[] {1, -1, 1}, table.data().labels());
    }

    @Test
    void libsvmErrors() {
        rejects(() -> DataFile.read(resource("zero_index.svm"), DataFile.Format.LIBSVM,
                DataFile.Request.forFit(null, null, null).withIndexBase(1)), "zero_index.svm:1, column 3", "index 0",
                "--index-base 1");
        rejects(() -> fit("out_of_order.svm", null, null, null), "out_of_order.svm:1, column 11", "index 2 after 3");
        rejects(() -> fit("no_colon.svm", null, null, null), "no_colon.svm:1, column 7", "not index:value");
    }

    @Test
    void libsvmWithAnIndexZeroIsReadZeroBased() {
        DataFile.Table table = fit("zero_index.svm", null, null, null);
        assertEquals(0, table.indexBase());
        assertArrayEquals(new float[] {1.5f, 0, 2}, table.data().features());
        assertEquals(1, fit("small.svm", null, null, null).indexBase());
    }

    @Test
    void sparseLibsvmStaysSparse(@org.junit.jupiter.api.io.TempDir Path folder) throws java.io.IOException {
        Path file = folder.resolve("wide.svm");
        // an empty row (only the intercept sees it), -1/+1 labels, a comment, and index 1000 of 1,000 features
        java.nio.file.Files.writeString(file, "+1 3:0.5 1000:2 # comment # with a second #\n-1\n-1 1:1 2:-1\n");
        DataFile.Table table = DataFile.read(file, DataFile.Format.LIBSVM, DataFile.Request.forFit(null, null, null));
        Dataset data = table.data();
        assertTrue(data.isSparse());
        assertEquals(1000, data.columns());
        CsrMatrix x = data.sparseFeatures();
        assertArrayEquals(new long[] {0, 2, 2, 4}, x.rowOffsets());
        assertArrayEquals(new int[] {2, 999, 0, 1}, x.columnIndices());
        assertArrayEquals(new float[] {0.5f, 2, 1, -1}, x.values());
        assertArrayEquals(new float[] {1, -1, -1}, data.labels());
        assertEquals(1000, table.featureNames().size());
    }

    @Test
    void sparseLibsvmErrorsNameLineAndColumn(@org.junit.jupiter.api.io.TempDir Path folder) throws java.io.IOException {
        String[][] cases = {
            {"1 3:1 3:2\n", ":1, column 7", "feature index 3 after 3", "no repeats"},
            {"1 2:1\n0 5:nan\n", ":2, column 5", "'nan' is not a finite float32 number"},
            {"1 2:1e39\n", ":1, column 5", "not a finite float32"},
            {"1 -2:1\n", ":1, column 3", "not a feature index"},
        };
        for (String[] c : cases) {
            Path file = folder.resolve("bad.svm");
            java.nio.file.Files.writeString(file, c[0]);
            String[] fragments = java.util.Arrays.copyOfRange(c, 1, c.length);
            rejects(() -> fit(file.toString(), null, null, null), fragments);
        }
    }

    @Test
    void scipyNpzIsReadSparseCompressedOrNot() {
        for (String name : new String[] {"x_csr.npz", "x_csr_plain.npz", "x_unsorted.npz"}) {
            DataFile.Table table = fit(name, null, null, "y_i8.npy");
            CsrMatrix x = table.data().sparseFeatures();
            assertEquals(5, x.columns(), name);
            assertArrayEquals(new long[] {0, 2, 2, 4}, x.rowOffsets(), name);
            assertArrayEquals(new int[] {1, 4, 0, 3}, x.columnIndices(), name + ": indices sorted within rows");
            assertArrayEquals(new float[] {1.5f, 2, 3, 4}, x.values(), name);
            assertArrayEquals(new float[] {0, 1, 1}, table.data().labels(), name);
        }
    }

    @Test
    void npzErrors() {
        rejects(() -> fit("x_csr.npz", null, null, null), "x_csr.npz", "--labels");
        rejects(() -> fit("x_csc.npz", null, null, "y_i8.npy"), "x_csc.npz", "csc matrix", "tocsr()");
        rejects(() -> fit("x_repeated.npz", null, null, "y_i8.npy"), "row index 2 holds column index 3 twice");
        rejects(() -> fit("missing.npz", null, null, "y_i8.npy"), "missing.npz", "no such file");
        rejects(() -> DataFile.read(resource("small.svm"), DataFile.Format.NPZ, DataFile.Request.forFit(null, null, null)),
                "small.svm", "not a readable .npz");
    }

    /** MurmurHash3 x86 32-bit, seed 0: the values of scikit-learn 1.2's sklearn.utils.murmurhash3_32 on these UTF-8 strings. */
    @Test
    void featureHashingIsScikitLearnsMurmurHash() {
        assertEquals(-156908512, FeatureHashing.hash("foo"));
        assertEquals(0, FeatureHashing.hash(""));
        assertEquals(-33168497, FeatureHashing.hash("city=Paris"));
        assertEquals(717653329, FeatureHashing.hash("age"));
        assertEquals(1120509308, FeatureHashing.hash("a=\u00e9"));
        assertEquals(-1765844443, FeatureHashing.hash("hello world, longer key"));
        assertEquals((Integer.MAX_VALUE - 15) % 16, FeatureHashing.bucket(Integer.MIN_VALUE, 16));
    }

    /**
     * A CSV of a categorical and a numeric column hashed into 16 buckets: the CSR of scikit-learn's
     * FeatureHasher(n_features=16).transform([{'city': 'Paris', 'age': 31.5}, {'city': 'Oslo', 'age': 0},
     * {'city': 'Paris', 'age': -2}]), where "age" and both cities share bucket 1 (a collision, summed with
     * their signs) and a zero adds nothing.
     */
    @Test
    void hashedCsvColumnsAreScikitLearnsFeatureHasher(@org.junit.jupiter.api.io.TempDir Path folder) throws java.io.IOException {
        Path file = folder.resolve("people.csv");
        java.nio.file.Files.writeString(file, "city,age,label\nParis,31.5,1\n\"Oslo\",0,0\nParis , -2,1\n");
        DataFile.Table table = DataFile.read(file, DataFile.Format.CSV,
                DataFile.Request.forFit("label", null, null).withHashedFeatures(16));
        CsrMatrix x = table.data().sparseFeatures();
        assertEquals(16, x.columns());
        assertArrayEquals(new long[] {0, 1, 2, 3}, x.rowOffsets());
        assertArrayEquals(new int[] {1, 1, 1}, x.columnIndices());
        assertArrayEquals(new float[] {30.5f, 1, -3}, x.values());
        assertArrayEquals(new float[] {1, 0, 1}, table.data().labels());
        assertEquals(16, table.featureNames().size());
        assertThrows(dev.descent.InvalidInputException.class, () -> DataFile.read(resource("small.svm"),
                DataFile.Format.LIBSVM, DataFile.Request.forFit(null, null, null).withHashedFeatures(16)));
    }

    @Test
    void npyFloat32AndFloat64WithIntegerLabels() {
        DataFile.Table f4 = fit("x_f4.npy", null, null, "y_i8.npy");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f4.data().features());
        assertArrayEquals(new float[] {0, 1, 1}, f4.data().labels());
        DataFile.Table f8 = fit("x_f8.npy", null, null, "y_i8.npy");
        assertArrayEquals(new float[] {1.5f, 2, 3, 4.25f, 5, 6}, f8.data().features());
    }

    @Test
    void npyErrors() {
        rejects(() -> fit("x_f4.npy", null, null, null), "--labels");
        rejects(() -> fit("x_i4.npy", null, null, "y_i8.npy"), "dtype i4", "float32 or float64");
        rejects(() -> fit("x_fortran.npy", null, null, "y_i8.npy"), "Fortran order");
        rejects(() -> fit("not_npy.npy", null, null, "y_i8.npy"), "not a .npy file");
        rejects(() -> fit("huge_claim.npy", null, null, "y_i8.npy"), "1000000000000 x 2", "the file has 145 bytes");
        rejects(() -> fit("x_f4.npy", null, null, "x_f8.npy"), "labels must have shape");
    }
}
