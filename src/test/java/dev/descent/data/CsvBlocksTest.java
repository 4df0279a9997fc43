package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV reader parses blocks of lines on every core: whatever the block size (down to blocks shorter than
 * a line), it gives what one block gives, the same rows, line numbers, class names and first error. And text
 * files whose size shows they cannot fit in one Java array are refused before they are read.
 */
class CsvBlocksTest {
    /** Block sizes from shorter than a line (the block grows to hold it) to a few lines, to the whole file. */
    static final int[] BLOCK_SIZES = {7, 64, 1000, CsvReader.BLOCK_BYTES};

    @TempDir
    Path folder;

    /** Numbers with a weight column, blank lines, \r\n endings and no newline at the end. */
    @Test
    void numericRowsAreTheSameWhateverTheBlocks() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder text = new StringBuilder("a,b,weight,c,y\r\n");
        for (int i = 0; i < 600; i++) {
            text.append(String.format(Locale.ROOT, "%.6g,%d,%.3f,%.9g,%d", random.nextGaussian() * 1e3,
                    random.nextInt(-50, 50), random.nextDouble(), random.nextDouble(-1, 1), random.nextInt(2)));
            text.append(i % 97 == 3 ? "\r\n\r\n" : i == 599 ? "" : "\r\n");
        }
        Path file = write("numbers.csv", text.toString());
        DataFile.Request request = DataFile.Request.forFit(null, "weight", null);
        DataFile.Table whole = CsvReader.read(file, request, Integer.MAX_VALUE / 2);
        assertEquals(600, whole.data().rows());
        for (int size : BLOCK_SIZES) {
            assertSame(whole, CsvReader.read(file, request, size), "block size " + size);
        }
    }

    /** Class names first met in different blocks get the codes of their sorted order, as one block gives. */
    @Test
    void classNamesAreTheSameWhateverTheBlocks() throws IOException {
        String[] names = {"wolf", "cat", "dog", "bird", "ant"};
        StringBuilder text = new StringBuilder("x1,x2,animal\n");
        for (int i = 0; i < 300; i++) {
            // a new name every 60 rows, so each first appears in a later block than the one before
            String name = names[(i / 60 + i % 3) % Math.min(names.length, i / 60 + 1)];
            text.append(i).append(',').append(i % 7).append(',').append(name).append('\n');
        }
        Path file = write("animals.csv", text.toString());
        DataFile.Request request = DataFile.Request.forFit(null, null, null);
        DataFile.Table whole = CsvReader.read(file, request, Integer.MAX_VALUE / 2);
        assertEquals(List.of("ant", "bird", "cat", "dog", "wolf"), whole.classNames());
        for (int size : BLOCK_SIZES) {
            DataFile.Table blocks = CsvReader.read(file, request, size);
            assertEquals(whole.classNames(), blocks.classNames(), "block size " + size);
            assertSame(whole, blocks, "block size " + size);
        }
    }

    /** The first bad field in the file is the one reported, with its line and column, however the blocks fall. */
    @Test
    void theFirstErrorInTheFileIsReported() throws IOException {
        StringBuilder text = new StringBuilder("x1,x2,y\n");
        for (int i = 2; i <= 400; i++) {
            text.append(i == 150 ? "1,oops,0" : i == 380 ? "1,2,3,4" : i + ",1,0").append('\n');
        }
        Path file = write("bad.csv", text.toString());
        DataFile.Request request = DataFile.Request.forFit(null, null, null);
        for (int size : BLOCK_SIZES) {
            DataFormatException error = assertThrows(DataFormatException.class, () -> CsvReader.read(file, request, size));
            assertEquals(file + ":150, column 2 (x2): 'oops' is not a number", error.getMessage(), "block size " + size);
        }
    }

    /** Hashed features: each block hashes its rows, and the joined CSR rows are those of one block. */
    @Test
    void hashedRowsAreTheSameWhateverTheBlocks() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        StringBuilder text = new StringBuilder("city,visits,device,y\n");
        String[] cities = {"paris", "lima", "oslo", "kyiv", "", "\"quito\""};
        for (int i = 0; i < 400; i++) {
            text.append(cities[random.nextInt(cities.length)]).append(',').append(random.nextInt(0, 5)).append(',')
                    .append("d").append(random.nextInt(20)).append(',').append(random.nextInt(2)).append('\n');
        }
        Path file = write("hashed.csv", text.toString());
        DataFile.Request request = DataFile.Request.forFit(null, null, null).withHashedFeatures(16);
        DataFile.Table whole = CsvReader.read(file, request, Integer.MAX_VALUE / 2);
        for (int size : BLOCK_SIZES) {
            DataFile.Table blocks = CsvReader.read(file, request, size);
            CsrMatrix expected = whole.data().sparseFeatures();
            CsrMatrix actual = blocks.data().sparseFeatures();
            assertArrayEquals(expected.rowOffsets(), actual.rowOffsets(), "block size " + size);
            assertArrayEquals(expected.columnIndices(), actual.columnIndices(), "block size " + size);
            assertArrayEquals(expected.values(), actual.values(), "block size " + size);
            assertArrayEquals(whole.data().labels(), blocks.data().labels(), "block size " + size);
            assertArrayEquals(whole.lines(), blocks.lines(), "block size " + size);
        }
    }

    /**
     * A file whose size says its dense features cannot fit in one Java array is refused after its first block,
     * naming the estimate and the limit, not after reading gigabytes. The file is a few real rows followed by a
     * hole (a sparse file of 16 GiB that takes no disk), which the reader never reaches.
     */
    @Test
    void aFileTooLargeForOneArrayIsRefusedAfterItsFirstBlock() throws IOException {
        StringBuilder text = new StringBuilder("x1,x2,x3,x4,x5,x6,x7,x8,y\n");
        while (text.length() < 2 * 4096) {
            text.append("0.25,1,2,3,4,5,6,7,1\n");
        }
        Path file = write("huge.csv", text.toString());
        try (java.io.RandomAccessFile handle = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            handle.setLength(16L << 30);
        }
        DataFile.Request request = DataFile.Request.forFit(null, null, null);
        DataFormatException error = assertThrows(DataFormatException.class, () -> CsvReader.read(file, request, 4096));
        String message = error.getMessage();
        // 16 GiB at 21 bytes a row: about 8.2e8 rows x 8 features
        assertTrue(message.matches(".*about 81\\d,\\d{3},\\d{3} rows .*") && message.contains("x 8 features")
                && message.contains("more than the 2,147,483,639 one Java array holds"), message);
    }

    /** The same for LIBSVM's non-zeros: those of its first 4 MiB of lines, scaled to the file's size. */
    @Test
    void aLibsvmFileTooLargeForOneArrayIsRefusedAfterItsFirstLines() throws IOException {
        StringBuilder text = new StringBuilder();
        while (text.length() < LibsvmReader.SAMPLE_BYTES + 4096) {
            text.append("1 1:0.5 7:2 9:1\n");
        }
        Path file = write("huge.svm", text.toString());
        try (java.io.RandomAccessFile handle = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            handle.setLength(16L << 30);
        }
        DataFormatException error = assertThrows(DataFormatException.class,
                () -> LibsvmReader.read(file, DataFile.Request.forFit(null, null, null)));
        // 16 GiB at 3 pairs in 16 bytes: about 3.2e9 non-zeros
        assertTrue(error.getMessage().matches(".*about 3,22\\d,\\d{3},\\d{3} non-zeros .*")
                && error.getMessage().contains("more than the 2,147,483,639 one Java array holds"), error.getMessage());
    }

    /** Without a header the first line is data, in the first block. */
    @Test
    void aFileWithoutHeaderKeepsItsFirstRow() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(i).append(',').append(2 * i).append(',').append(i % 2).append('\n');
        }
        Path file = write("plain.csv", text.toString());
        DataFile.Request request = DataFile.Request.forFit(null, null, null).withoutHeader();
        DataFile.Table whole = CsvReader.read(file, request, Integer.MAX_VALUE / 2);
        assertEquals(200, whole.data().rows());
        assertEquals(0f, whole.data().features()[0]);
        for (int size : BLOCK_SIZES) {
            assertSame(whole, CsvReader.read(file, request, size), "block size " + size);
        }
    }

    private static void assertSame(DataFile.Table expected, DataFile.Table actual, String where) {
        assertEquals(expected.data().rows(), actual.data().rows(), where);
        assertArrayEquals(expected.data().features(), actual.data().features(), where);
        assertArrayEquals(expected.data().labels(), actual.data().labels(), where);
        assertArrayEquals(expected.data().sampleWeights(), actual.data().sampleWeights(), where);
        assertArrayEquals(expected.lines(), actual.lines(), where);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(folder.resolve(name), text, StandardCharsets.UTF_8);
    }
}
