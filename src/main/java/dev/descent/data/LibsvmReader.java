package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LIBSVM / svmlight text: "label index:value index:value ... # comment", indices strictly increasing
 * along a line. Indices are 1-based (LIBSVM's own data sets) unless the file holds an index 0, which
 * makes it 0-based (scikit-learn's dump_svmlight_file writes those), or unless the request names the
 * base. Feature j (0-based, named "f" + j) is index j + base. A file that mixes both cannot be told
 * from a 0-based one: the index 0 decides, as in scikit-learn's loader.
 *
 * <p>Read in one streamed pass into CSR arrays, then kept sparse ({@link Dataset#csr}) or made dense:
 * dense when the density is at least {@link #DENSE_FROM_DENSITY}, where the dense kernels are as fast
 * or faster.
 */
final class LibsvmReader {
    /**
     * Density from which the data is held dense: there the cpu backend's dense pass is as fast as its sparse
     * one or faster (1,024 columns: sparse / dense 0.95 at 10%, 1.33 at 25%, 0.63 at 5%; at 64 columns the
     * dense pass is 5-7x faster at any density, bench/results/2026-12-05-sparse), and below it CSR's 8
     * bytes a non-zero take less memory than dense float32's 4 a value.
     */
    static final double DENSE_FROM_DENSITY = 0.1;

    private LibsvmReader() {
    }

    /**
     * Bytes of a file's first lines after which its non-zeros so far, scaled to its size, estimate its total:
     * one that clearly cannot fit in one Java array is refused there ({@link HeapBudget#refuseBeyondOneArray}).
     */
    static final int SAMPLE_BYTES = 4 << 20;

    static DataFile.Table read(Path file, DataFile.Request request) throws IOException {
        FloatColumns labels = new FloatColumns();
        FloatColumns values = new FloatColumns();
        IntColumns indices = new IntColumns();
        IntColumns rowEnds = new IntColumns();
        IntColumns lineNumbers = new IntColumns();
        NumberParser parser = new NumberParser();
        long largest = -1;
        long firstZeroLine = 0;
        int firstZeroColumn = 0;
        try (InputStream in = DataFile.open(file)) {
            // a gzip file or standard input has no size to estimate from: they learn the limit when the array fills
            long fileBytes = in instanceof java.util.zip.GZIPInputStream || file == DataFile.STANDARD_INPUT ? -1
                    : Files.size(file);
            long sampledBytes = fileBytes > SAMPLE_BYTES ? 0 : -1;
            LineSource lines = new LineSource(in);
            while (lines.next()) {
                if (sampledBytes >= SAMPLE_BYTES) {
                    double nonZeros = (double) values.size() * fileBytes / sampledBytes;
                    long sampledLines = lines.lineNumber - 1;
                    HeapBudget.refuseBeyondOneArray(file, nonZeros, () -> String.format(java.util.Locale.ROOT,
                            "about %,.0f non-zeros (from the file's size and its first %,d lines)", nonZeros, sampledLines));
                    sampledBytes = -1;
                } else if (sampledBytes >= 0) {
                    sampledBytes += lines.end - lines.start + 1;
                }
                byte[] b = lines.buffer();
                int end = lines.end;
                for (int i = lines.start; i < end; i++) {
                    if (b[i] == '#') {
                        end = i;
                        break;
                    }
                }
                int i = skipSpaces(b, lines.start, end);
                if (i == end) {
                    continue;
                }
                int tokenEnd = tokenEnd(b, i, end);
                if (!parser.parse(b, i, tokenEnd) || !Float.isFinite((float) parser.value)) {
                    throw DataFormatException.at(file, lines.lineNumber, i - lines.start + 1, "label",
                            "'" + text(b, i, tokenEnd) + "' is not a finite float32 number");
                }
                labels.add((float) parser.value);
                lineNumbers.add((int) Math.min(Integer.MAX_VALUE, lines.lineNumber));
                long previous = -1;
                i = skipSpaces(b, tokenEnd, end);
                while (i < end) {
                    tokenEnd = tokenEnd(b, i, end);
                    int colon = i;
                    while (colon < tokenEnd && b[colon] != ':') {
                        colon++;
                    }
                    int column = i - lines.start + 1;
                    if (colon == tokenEnd) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null,
                                "'" + text(b, i, tokenEnd) + "' is not index:value");
                    }
                    long index = 0;
                    for (int k = i; k < colon; k++) {
                        if (b[k] < '0' || b[k] > '9' || index > Integer.MAX_VALUE) {
                            throw DataFormatException.at(file, lines.lineNumber, column, null,
                                    "'" + text(b, i, colon) + "' is not a feature index (a non-negative integer)");
                        }
                        index = index * 10 + (b[k] - '0');
                    }
                    if (colon == i || index > Integer.MAX_VALUE - 8) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null,
                                "'" + text(b, i, colon) + "' is not a feature index (a non-negative integer)");
                    }
                    if (index <= previous) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null, "feature index " + index
                                + " after " + previous + ": indices must increase along a line (sorted, no repeats)");
                    }
                    if (!parser.parse(b, colon + 1, tokenEnd) || !Float.isFinite((float) parser.value)) {
                        throw DataFormatException.at(file, lines.lineNumber, column + colon + 1 - i, null,
                                "'" + text(b, colon + 1, tokenEnd) + "' is not a finite float32 number");
                    }
                    if (index == 0 && firstZeroLine == 0) {
                        firstZeroLine = lines.lineNumber;
                        firstZeroColumn = column;
                    }
                    previous = index;
                    largest = Math.max(largest, index);
                    indices.add((int) index);
                    values.add((float) parser.value);
                    i = skipSpaces(b, tokenEnd, end);
                }
                rowEnds.add(values.size());
            }
        }
        int n = labels.size();
        if (n == 0) {
            throw DataFormatException.in(file, "the file has no data lines");
        }
        int base = request.indexBase() >= 0 ? request.indexBase() : firstZeroLine > 0 ? 0 : 1;
        if (base == 1 && firstZeroLine > 0) {
            throw DataFormatException.at(file, firstZeroLine, firstZeroColumn, null,
                    "feature index 0, but the file is read with 1-based indices (--index-base 1); drop that option"
                            + " to read it 0-based");
        }
        int widest = (int) Math.max(0, largest + 1 - base);
        int d = request.features() != null ? request.features().size() : widest;
        if (d == 0) {
            throw DataFormatException.in(file, "no line has any feature; the data has zero features");
        }
        int[] columns = indices.toArray();
        if (base != 0) {
            for (int p = 0; p < columns.length; p++) {
                columns[p] -= base;
            }
        }
        long[] offsets = rowEnds.asRowOffsets();
        float[] nonZeros = values.toArray();
        String dropped = null;
        if (widest > d) {
            // at predict: features past the model's are ones it never saw (new words, new ids), worth 0 to it
            long[] kept = new long[n + 1];
            int next = 0;
            int rowsTouched = 0;
            for (int row = 0; row < n; row++) {
                int before = next;
                for (int p = (int) offsets[row]; p < offsets[row + 1]; p++) {
                    if (columns[p] < d) {
                        columns[next] = columns[p];
                        nonZeros[next++] = nonZeros[p];
                    }
                }
                rowsTouched += next - before < offsets[row + 1] - offsets[row] ? 1 : 0;
                kept[row + 1] = next;
            }
            dropped = String.format(java.util.Locale.ROOT, "%s: %,d values in %,d rows are at feature indices past the"
                    + " model's %,d features (up to index %,d); the model never saw those features, so they are left out",
                    file, columns.length - next, rowsTouched, d, largest);
            offsets = kept;
            columns = java.util.Arrays.copyOf(columns, next);
            nonZeros = java.util.Arrays.copyOf(nonZeros, next);
        }
        CsrMatrix sparse = CsrMatrix.of(offsets, columns, nonZeros, d);
        Dataset data;
        if (sparse.density() >= DENSE_FROM_DENSITY && (long) n * d <= CsrMatrix.MAX_NON_ZEROS) {
            HeapBudget.require(file, 4L * n * d, n + " rows x " + d + " features as dense float32");
            data = Dataset.rowMajor(sparse.toDense(), n, d, labels.toArray());
        } else {
            data = Dataset.csr(sparse, labels.toArray());
        }
        // a narrower file is the rule for sparse data (most features are absent from most files), worth a
        // word only for dense rows
        String warning = dropped != null ? dropped : widest < d && !data.isSparse() ? String.format(java.util.Locale.ROOT, "%s: its largest feature index is %,d but the"
                + " model has %,d features; features %,d..%,d never appear in it and are taken as 0", file, largest, d,
                largest + 1, d - 1 + base) : null;
        return new DataFile.Table(data, FeatureNames.numbered(d), "label", file, lineNumbers.toArray(), 1, warning, base, null);
    }

    private static int skipSpaces(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(byte[] b, int i, int end) {
        while (i < end && b[i] != ' ' && b[i] != '\t') {
            i++;
        }
        return i;
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, Math.min(to - from, 40), StandardCharsets.UTF_8);
    }
}
