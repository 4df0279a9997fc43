package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LIBSVM / svmlight text: "label index:value index:value ... # comment", indices 1-based and strictly
 * increasing. Read sparse in one streamed pass, then made dense with d = the largest index seen (or
 * the model's feature count at predict time). Feature j (0-based, named "f" + j) is index j + 1.
 */
final class LibsvmReader {
    /**
     * descent holds LIBSVM data dense, so one large index makes every row that wide. A dense matrix
     * more than this many times the file's size (one nonzero in ~1,000 columns at ~12 bytes an entry)
     * is taken for a mistaken index rather than allocated; real sparse sets that dense are far
     * beyond any heap anyway (news20: 1.35 M features, 108 GB dense).
     */
    static final long DENSE_BYTES_PER_FILE_BYTE = 4096;
    /** Below this, any width is allowed: small files with a few wide rows are fine. */
    static final long DENSE_ALLOWANCE = 64L << 20;

    private LibsvmReader() {
    }

    static DataFile.Table read(Path file, DataFile.Request request) throws IOException {
        FloatColumns labels = new FloatColumns();
        FloatColumns values = new FloatColumns();
        IntColumns indices = new IntColumns();
        IntColumns rowEnds = new IntColumns();
        IntColumns lineNumbers = new IntColumns();
        NumberParser parser = new NumberParser();
        int largest = 0;
        try (InputStream in = Files.newInputStream(file)) {
            LineSource lines = new LineSource(in);
            while (lines.next()) {
                byte[] b = lines.buffer();
                int end = lines.end;
                for (int i = lines.start; i < end; i++) {
                    if (b[i] == '#') {
                        end = i;
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
                int previous = 0;
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
                                    "'" + text(b, i, colon) + "' is not a feature index (a positive integer)");
                        }
                        index = index * 10 + (b[k] - '0');
                    }
                    if (colon == i || index > Integer.MAX_VALUE - 8) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null,
                                "'" + text(b, i, colon) + "' is not a feature index (a positive integer)");
                    }
                    if (index == 0) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null,
                                "feature index 0: LIBSVM indices start at 1");
                    }
                    if (index <= previous) {
                        throw DataFormatException.at(file, lines.lineNumber, column, null, "feature index " + index
                                + " after " + previous + ": indices must increase along a line");
                    }
                    if (!parser.parse(b, colon + 1, tokenEnd) || !Float.isFinite((float) parser.value)) {
                        throw DataFormatException.at(file, lines.lineNumber, column + colon + 1 - i, null,
                                "'" + text(b, colon + 1, tokenEnd) + "' is not a finite float32 number");
                    }
                    previous = (int) index;
                    largest = Math.max(largest, previous);
                    indices.add(previous - 1);
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
        int d = request.features() != null ? request.features().size() : largest;
        if (largest > d) {
            throw DataFormatException.in(file, "the data has feature index " + largest + " but the model has "
                    + d + " features");
        }
        if (d == 0) {
            throw DataFormatException.in(file, "no line has any feature; the data has zero features");
        }
        if ((long) n * d > Integer.MAX_VALUE - 8) {
            throw DataFormatException.in(file, n + " rows x " + d + " features are too many for dense float32 rows");
        }
        long dense = 4L * n * d;
        long fileBytes = Files.size(file);
        if (dense > Math.max(DENSE_ALLOWANCE, DENSE_BYTES_PER_FILE_BYTE * fileBytes)) {
            throw DataFormatException.in(file, String.format(java.util.Locale.ROOT, "feature index %,d makes the %,d rows "
                    + "%,d MiB as dense float32, from a file of %,d bytes; descent holds LIBSVM data dense, so an index "
                    + "this large is taken for a mistake", largest, n, dense >> 20, fileBytes));
        }
        HeapBudget.require(file, dense, n + " rows x " + d + " features as dense float32");
        float[] x = new float[n * d];
        float[] v = values.toArray();
        int[] index = indices.toArray();
        int[] ends = rowEnds.toArray();
        int start = 0;
        for (int row = 0; row < n; row++) {
            for (int k = start; k < ends[row]; k++) {
                x[row * d + index[k]] = v[k];
            }
            start = ends[row];
        }
        String warning = largest < d ? String.format(java.util.Locale.ROOT, "%s: its largest feature index is %,d but the"
                + " model has %,d features; features %,d..%,d never appear in it and are taken as 0", file, largest, d,
                largest + 1, d) : null;
        return new DataFile.Table(Dataset.rowMajor(x, n, d, labels.toArray()), FeatureNames.numbered(d), "label", file,
                lineNumbers.toArray(), 1, warning);
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
