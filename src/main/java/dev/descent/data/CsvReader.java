package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * CSV with a header row, streamed: blocks of lines are parsed straight into float32 arrays on every core,
 * and joined in file order, so that nothing depends on the threads. Fields are separated by commas (or the
 * request's delimiter); names and numbers may be in double quotes; blank lines are skipped. Every other
 * column than the label (and weight, and the dropped ones) is a numeric feature.
 */
final class CsvReader {
    private static final int IGNORED = -1;
    private static final int LABEL = -2;
    private static final int WEIGHT = -3;
    private static final int DROPPED = -4;

    private CsvReader() {
    }

    /** A label that is not a number, found while reading labels as numbers: read the file again with class names. */
    private static final class TextLabels extends RuntimeException {
        TextLabels() {
            super(null, null, false, false);
        }
    }

    /**
     * Labels are numbers, or class names when any label is not a number (or the model has class names): then
     * each row's label is the index of its name among the sorted names (the model's, at predict).
     */
    static DataFile.Table read(Path file, DataFile.Request request) throws IOException {
        return read(file, request, BLOCK_BYTES);
    }

    /** As {@link #read(Path, DataFile.Request)}, parsing blocks of about {@code blockBytes} (tests take small ones). */
    static DataFile.Table read(Path file, DataFile.Request request, int blockBytes) throws IOException {
        if (request.classNames() != null) {
            return read(file, request, true, blockBytes);
        }
        try {
            return read(file, request, false, blockBytes);
        } catch (TextLabels e) {
            return read(file, request, true, blockBytes);
        }
    }

    private static DataFile.Table read(Path file, DataFile.Request request, boolean textLabels, int blockBytes)
            throws IOException {
        try (InputStream in = DataFile.open(file)) {
            LineSource lines = new LineSource(in);
            if (!nextNonBlank(lines)) {
                throw DataFormatException.in(file, "the file is empty; a CSV file needs a header row");
            }
            NumberParser parser = new NumberParser();
            byte delimiter = (byte) request.delimiter();
            List<String> header;
            if (request.header()) {
                if (allNumbers(lines, parser, delimiter)) {
                    throw DataFormatException.at(file, lines.lineNumber, 0, null, "the first row is all numbers, so the"
                            + " file seems to have no header row; add one, or pass --no-header to read it as data");
                }
                header = headerNames(lines, request.delimiter());
            } else {
                header = new ArrayList<>();
                for (int c = 1; c <= countFields(lines.buffer(), lines.start, lines.end, delimiter); c++) {
                    header.add("column" + c);
                }
            }
            int columns = header.size();
            Map<String, Integer> byName = new HashMap<>();
            for (int c = 0; c < columns; c++) {
                if (byName.put(header.get(c), c) != null) {
                    throw DataFormatException.at(file, lines.lineNumber, c + 1, header.get(c), "the column name appears twice");
                }
            }
            String labelName = request.label() != null ? request.label() : header.get(columns - 1);
            Integer labelColumn = byName.get(labelName);
            if (labelColumn == null && request.labelRequired()) {
                throw DataFormatException.at(file, lines.lineNumber, 0, null, "no label column '" + labelName
                        + "'; the header has " + header);
            }
            int[] role = new int[columns];
            Arrays.fill(role, IGNORED);
            if (labelColumn != null) {
                role[labelColumn] = LABEL;
            }
            if (request.weights() != null) {
                Integer weightColumn = byName.get(request.weights());
                if (weightColumn == null) {
                    throw DataFormatException.at(file, lines.lineNumber, 0, null, "no weight column '" + request.weights()
                            + "'; the header has " + header);
                }
                if (role[weightColumn] == LABEL) {
                    throw new DataFormatException("the label and the weights cannot be the same column '" + request.weights() + "'");
                }
                role[weightColumn] = WEIGHT;
            }
            for (String name : request.drop()) {
                Integer c = byName.get(name);
                if (c == null) {
                    throw DataFormatException.at(file, lines.lineNumber, 0, null, "--drop names no column '" + name
                            + "'; the header has " + header);
                }
                if (role[c] != IGNORED) {
                    throw new DataFormatException("--drop names '" + name + "', the " + (role[c] == LABEL ? "label" : "weight")
                            + " column");
                }
                role[c] = DROPPED;
            }
            List<String> features = new ArrayList<>();
            if (request.hashBuckets() > 0) {
                // every column besides the label and the weights is hashed; the model's features are the buckets
                for (int c = 0; c < columns; c++) {
                    if (role[c] == IGNORED) {
                        role[c] = features.size();
                        features.add(header.get(c));
                    }
                }
            } else if (request.features() == null) {
                for (int c = 0; c < columns; c++) {
                    if (role[c] == IGNORED) {
                        role[c] = features.size();
                        features.add(header.get(c));
                    }
                }
            } else {
                for (String name : request.features()) {
                    Integer c = byName.get(name);
                    if (c == null || role[c] != IGNORED) {
                        throw DataFormatException.at(file, lines.lineNumber, 0, null, "the model's feature '" + name
                                + "' is not a column of the data; the header has " + header);
                    }
                    role[c] = features.size();
                    features.add(name);
                }
            }
            for (int c = 0; c < columns; c++) {
                role[c] = role[c] == DROPPED ? IGNORED : role[c];
            }
            if (features.isEmpty()) {
                throw DataFormatException.at(file, lines.lineNumber, 0, null, "no feature columns besides the label");
            }
            int d = features.size();
            Layout layout = new Layout(file, header, role, features, labelColumn != null, request.weights() != null,
                    textLabels, request.classNames(), delimiter, request.hashBuckets(),
                    request.float64() && request.hashBuckets() == 0, null);
            long fileBytes = in instanceof java.util.zip.GZIPInputStream || file == DataFile.STANDARD_INPUT ? -1
                    : Files.size(file);
            // without a header the first row, already read, is data
            Rows rows = parseInParallel(layout, lines, !request.header(), blockBytes, fileBytes);
            Hashed hashed = rows.hashed;
            FloatColumns x = rows.x;
            FloatColumns y = rows.y;
            FloatColumns weights = rows.weights;
            IntColumns lineNumbers = rows.lineNumbers;
            Map<String, Integer> names = rows.names;
            int n = hashed != null ? hashed.rows() : x.size() / d;
            if (n == 0) {
                throw DataFormatException.in(file, "the file has a header but no data rows");
            }
            float[] labels = labelColumn == null ? null : y.toArray();
            List<String> classNames = null;
            if (textLabels && labelColumn != null) {
                classNames = request.classNames() != null ? request.classNames() : sortedNames(names, labels);
            }
            Dataset data = hashed != null ? Dataset.csr(hashed.matrix(), labels)
                    : x.isFloat64() ? Dataset.rowMajor(x.toDoubleArray(), n, d, labels)
                    : Dataset.rowMajor(x.toArray(), n, d, labels, rows.shift);
            if (request.weights() != null) {
                float[] w = weights.toArray();
                if (allZero(w)) {
                    throw DataFormatException.in(file, "every sample weight in column '" + request.weights() + "' is zero");
                }
                data = data.withSampleWeights(w);
            }
            return new DataFile.Table(data, hashed != null ? FeatureNames.numbered(request.hashBuckets()) : List.copyOf(features),
                    labelColumn == null ? null : labelName, file, lineNumbers.toArray(), labelColumn == null ? 0 : labelColumn + 1,
                    null, -1, classNames);
        }
    }

    /** Bytes of whole lines each worker parses at a time: a few per core keep both cores busy on files of 10 MB and more. */
    static final int BLOCK_BYTES = 4 << 20;

    /** What every row of the file is parsed by: the header's columns and their roles (the same for every block). */
    private record Layout(Path file, List<String> header, int[] role, List<String> features, boolean hasLabel,
                          boolean hasWeights, boolean textLabels, List<String> classNames, byte delimiter, int hashBuckets,
                          boolean float64, double[] shift) {
        /** The same layout, storing dense features as x - {@code columnShift} ({@link FeatureShift}). */
        Layout withShift(double[] columnShift) {
            return new Layout(file, header, role, features, hasLabel, hasWeights, textLabels, classNames, delimiter,
                    hashBuckets, float64, columnShift);
        }

        /**
         * The shift for the dense features of the first {@link FeatureShift#sampleRows} rows of {@code blocks}, read in
         * double (null: none). Sampling stops at the first row that does not parse; the parse proper reports it.
         */
        double[] chooseShift(List<LineSource> blocks) throws IOException {
            int d = features.size();
            int most = FeatureShift.sampleRows(d);
            double[] sample = new double[most * d];
            NumberParser parser = new NumberParser();
            int rows = 0;
            Iterator<LineSource> next = blocks.iterator();
            LineSource lines = next.next();
            sampling:
            while (rows < most) {
                if (!nextNonBlank(lines)) {
                    if (!next.hasNext()) {
                        break;
                    }
                    lines = next.next();
                    continue;
                }
                byte[] bytes = lines.buffer();
                int field = 0;
                int fieldStart = lines.start;
                for (int i = lines.start; i <= lines.end; i++) {
                    if (i < lines.end && bytes[i] != delimiter) {
                        continue;
                    }
                    if (field >= role.length) {
                        break sampling;
                    }
                    if (role[field] >= 0) {
                        if (!parser.parse(bytes, fieldStart, i) || !Double.isFinite(parser.value)) {
                            break sampling;
                        }
                        sample[rows * d + role[field]] = parser.value;
                    }
                    field++;
                    fieldStart = i + 1;
                }
                rows++;
            }
            return FeatureShift.choose(sample, rows, d);
        }

        /** The rows of {@code lines} (a block), the features dense or hashed into {@code hashBuckets} sparse ones. */
        Rows parse(LineSource lines) throws IOException {
            int columns = header.size();
            NumberParser parser = new NumberParser();
            Hashed hashed = hashBuckets > 0 ? new Hashed(features, hashBuckets) : null;
            Rows rows = new Rows(hashed == null, float64);
            rows.hashed = hashed;
            if (textLabels && classNames != null) {
                for (String name : classNames) {
                    rows.names.put(name, rows.names.size());
                }
            }
            // as stored: float32 values (x - shift) widened exactly, or float64 values as parsed
            double[] row = new double[features.size()];
            while (nextNonBlank(lines)) {
                byte[] bytes = lines.buffer();
                int field = 0;
                int fieldStart = lines.start;
                float label = 0;
                float weight = 1;
                for (int i = lines.start; i <= lines.end; i++) {
                    if (i < lines.end && bytes[i] != delimiter) {
                        continue;
                    }
                    if (field >= columns) {
                        throw ragged(file, lines, columns, countFields(bytes, lines.start, lines.end, delimiter));
                    }
                    int target = role[field];
                    if (target == LABEL && textLabels) {
                        label = classIndex(file, lines, field, header.get(field), bytes, fieldStart, i, rows.names,
                                classNames);
                    } else if (hashed != null && target >= 0) {
                        hashed.add(file, lines, header.get(field), target, bytes, fieldStart, i, parser);
                    } else if (target != IGNORED) {
                        if (!parser.parse(bytes, fieldStart, i)) {
                            String text = new String(bytes, fieldStart, i - fieldStart, StandardCharsets.UTF_8).trim();
                            if (target == LABEL && !text.isEmpty()) {
                                throw new TextLabels();
                            }
                            throw DataFormatException.at(file, lines.lineNumber, field + 1, header.get(field),
                                    text.isEmpty() ? "the field is empty; every value must be a number"
                                            : "'" + text + "' is not a number");
                        }
                        float value = target >= 0 ? FeatureShift.stored(parser.value, shift, target) : (float) parser.value;
                        boolean held = float64 && target >= 0 ? Double.isFinite(parser.value) : Float.isFinite(value);
                        if (!held) {
                            throw DataFormatException.at(file, lines.lineNumber, field + 1, header.get(field),
                                    Double.isFinite(parser.value) ? parser.value + " is too large for float32"
                                            : "the value is not finite");
                        }
                        if (target >= 0) {
                            row[target] = float64 ? parser.value : value;
                        } else if (target == LABEL) {
                            label = value;
                        } else {
                            if (value < 0) {
                                throw DataFormatException.at(file, lines.lineNumber, field + 1, header.get(field),
                                        "sample weight " + value + " is negative");
                            }
                            weight = value;
                        }
                    }
                    field++;
                    fieldStart = i + 1;
                }
                if (field != columns) {
                    throw ragged(file, lines, columns, field);
                }
                if (hashed != null) {
                    hashed.endRow();
                } else {
                    for (double value : row) {
                        if (float64) {
                            rows.x.addDouble(value);
                        } else {
                            rows.x.add((float) value);
                        }
                    }
                }
                if (hasLabel) {
                    rows.y.add(label);
                }
                rows.lineNumbers.add((int) Math.min(Integer.MAX_VALUE, lines.lineNumber));
                if (hasWeights) {
                    rows.weights.add(weight);
                }
            }
            if (rows.x != null) {
                rows.x.trim();
            }
            return rows;
        }
    }

    /** Parsed rows: features (dense), labels, weights, line numbers, and the class names met (by code). */
    private static final class Rows {
        FloatColumns x;
        final FloatColumns y = new FloatColumns();
        final FloatColumns weights = new FloatColumns();
        final IntColumns lineNumbers = new IntColumns();
        /** Class name to code, codes in order of first appearance (or the model's names, known in advance). */
        final Map<String, Integer> names = new LinkedHashMap<>();
        /** The features hashed, as CSR rows (x is then null). */
        Hashed hashed;
        /** What the dense features x hold subtracted ({@link FeatureShift}), or null. */
        double[] shift;

        Rows(boolean dense, boolean float64) {
            x = !dense ? null : float64 ? FloatColumns.float64() : new FloatColumns();
        }
    }

    /**
     * The rows after the header on every core: the calling thread cuts the file into blocks of whole lines
     * ({@link LineSource#nextBlock}, with their first line numbers) and workers parse them; the blocks' rows
     * are joined in file order, so the result, and the first error in the file, are those of one thread
     * reading alone. Class names are recoded in order of first appearance across the blocks. At most two
     * blocks a worker wait in memory.
     */
    private static Rows parseInParallel(Layout layout, LineSource lines, boolean currentIsData, int blockBytes,
                                        long fileBytes) throws IOException {
        LineSource.Block first = lines.nextBlock(blockBytes, currentIsData);
        if (first == null) {
            return new Rows(true, false);
        }
        refuseWhatCannotFit(layout, first, fileBytes);
        // dense float32 features are shifted (FeatureShift): the blocks that hold the first rows are read ahead, so
        // that the shift comes from the same rows whatever the blocks
        boolean shifts = layout.hashBuckets() == 0 && !layout.float64();
        Deque<LineSource.Block> ahead = new ArrayDeque<>(List.of(first));
        for (long count = first.lineCount(); shifts && count < FeatureShift.sampleRows(layout.features().size()); ) {
            LineSource.Block next = lines.nextBlock(blockBytes, false);
            if (next == null) {
                break;
            }
            ahead.add(next);
            count += next.lineCount();
        }
        Layout shifted = !shifts ? layout
                : layout.withShift(layout.chooseShift(ahead.stream().map(LineSource.Block::lines).toList()));
        Rows rows = parseBlocks(shifted, ahead, lines, blockBytes);
        rows.shift = shifted.shift();
        return rows;
    }

    /** The blocks read {@code ahead}, then the rest of {@code lines}, parsed on every core (one block: by this thread). */
    private static Rows parseBlocks(Layout layout, Deque<LineSource.Block> ahead, LineSource lines, int blockBytes)
            throws IOException {
        LineSource.Block first = ahead.poll();
        LineSource.Block second = ahead.isEmpty() ? lines.nextBlock(blockBytes, false) : ahead.poll();
        if (second == null) {
            return layout.parse(first.lines());
        }
        ahead.addFirst(second);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "descent-csv-parse");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Deque<Future<Rows>> pending = new ArrayDeque<>();
            List<Rows> parsed = new ArrayList<>();
            for (LineSource.Block block = first; block != null; ) {
                LineSource.Block task = block;
                pending.add(workers.submit(() -> layout.parse(task.lines())));
                if (pending.size() >= 2 * threads) {
                    parsed.add(await(pending.poll()));
                }
                block = !ahead.isEmpty() ? ahead.poll() : lines.nextBlock(blockBytes, false);
            }
            while (!pending.isEmpty()) {
                parsed.add(await(pending.poll()));
            }
            return joined(parsed);
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * Refuses, before reading on, a file whose dense features would clearly not fit in one Java array: rows
     * estimated from the file's size and the first block's bytes per line (a gzip file or standard input has
     * no size to go by; they, and files near the limit, learn it when the array fills).
     */
    private static void refuseWhatCannotFit(Layout layout, LineSource.Block first, long fileBytes) {
        if (layout.hashBuckets() > 0 || fileBytes <= first.length() || first.lineCount() == 0) {
            return;
        }
        double rows = (double) fileBytes * first.lineCount() / first.length();
        int d = layout.features().size();
        HeapBudget.refuseBeyondOneArray(layout.file(), rows * d, () -> String.format(java.util.Locale.ROOT,
                "about %,.0f rows (from the file's size and its first %,d lines) x %d features make about %,.0f values",
                rows, first.lineCount(), d, rows * d));
    }

    /** A block's rows, or the block's own failure as it was thrown (an invalid field, text labels, no memory). */
    private static Rows await(Future<Rows> block) throws IOException {
        try {
            return block.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    /** The blocks' rows as one, in order; each block's class codes mapped to codes of first appearance in the file. */
    private static Rows joined(List<Rows> parts) {
        Rows all = new Rows(false, false);
        if (parts.get(0).hashed != null) {
            all.hashed = Hashed.joined(parts.stream().map(part -> part.hashed).toList());
        } else {
            all.x = FloatColumns.joined(parts.stream().map(part -> part.x).toList());
        }
        for (Rows part : parts) {
            int[] code = new int[part.names.size()];
            for (Map.Entry<String, Integer> name : part.names.entrySet()) {
                code[name.getValue()] = all.names.computeIfAbsent(name.getKey(), key -> all.names.size());
            }
            part.weights.appendTo(all.weights);
            part.lineNumbers.appendTo(all.lineNumbers);
            float[] labels = part.y.toArray();
            for (float label : labels) {
                all.y.add(part.names.isEmpty() ? label : code[(int) label]);
            }
        }
        return all;
    }

    /**
     * The label field's class: its index among the model's names ({@code known}), or, at fit, a code in order
     * of first appearance, which {@link #sortedNames} turns into the index among the sorted names.
     */
    private static float classIndex(Path file, LineSource lines, int field, String column, byte[] bytes, int from, int to,
                                    Map<String, Integer> names, List<String> known) {
        String text = unquoted(new String(bytes, from, to - from, StandardCharsets.UTF_8));
        if (text.isEmpty()) {
            throw DataFormatException.at(file, lines.lineNumber, field + 1, column, "the label is empty");
        }
        Integer code = names.get(text);
        if (code == null) {
            if (known != null) {
                throw DataFormatException.at(file, lines.lineNumber, field + 1, column, "class '" + text
                        + "' is not one of the model's classes " + known);
            }
            code = names.size();
            names.put(text, code);
        }
        return code;
    }

    /** The class names in sorted order, with {@code labels} (codes of first appearance) rewritten as indices into them. */
    private static List<String> sortedNames(Map<String, Integer> names, float[] labels) {
        List<String> sorted = new ArrayList<>(names.keySet());
        java.util.Collections.sort(sorted);
        int[] index = new int[names.size()];
        for (int i = 0; i < sorted.size(); i++) {
            index[names.get(sorted.get(i))] = i;
        }
        for (int r = 0; r < labels.length; r++) {
            labels[r] = index[(int) labels[r]];
        }
        return List.copyOf(sorted);
    }

    /**
     * The rows of a CSV file hashed into buckets ({@link FeatureHashing}), as CSR: each row's (bucket, value)
     * pairs, sorted, with the values of a bucket that several names share added up.
     */
    private static final class Hashed {
        private final int buckets;
        /** Per feature column: its name's bucket and sign, for numeric fields, and "name=" as UTF-8, for the others. */
        private final int[] nameBucket;
        private final float[] nameSign;
        private final byte[][] prefix;
        private final int[] rowBuckets;
        private final float[] rowValues;
        private int rowLength;
        private byte[] key = new byte[256];
        private final IntColumns indices = new IntColumns();
        private final FloatColumns values = new FloatColumns();
        private final IntColumns rowEnds = new IntColumns();

        /** An empty one that hashes as {@code other} does. */
        private Hashed(Hashed other) {
            buckets = other.buckets;
            nameBucket = other.nameBucket;
            nameSign = other.nameSign;
            prefix = other.prefix;
            rowBuckets = new int[other.rowBuckets.length];
            rowValues = new float[other.rowValues.length];
        }

        Hashed(List<String> columns, int buckets) {
            this.buckets = buckets;
            int count = columns.size();
            nameBucket = new int[count];
            nameSign = new float[count];
            prefix = new byte[count][];
            for (int c = 0; c < count; c++) {
                int hash = FeatureHashing.hash(columns.get(c));
                nameBucket[c] = FeatureHashing.bucket(hash, buckets);
                nameSign[c] = FeatureHashing.sign(hash);
                prefix[c] = (columns.get(c) + "=").getBytes(StandardCharsets.UTF_8);
            }
            rowBuckets = new int[count];
            rowValues = new float[count];
        }

        /** Feature column {@code column}'s field, bytes from .. to: a number under its name, else 1 under name=text; empty: none. */
        void add(Path file, LineSource lines, String name, int column, byte[] bytes, int from, int to, NumberParser parser) {
            while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
                from++;
            }
            while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t' || bytes[to - 1] == '\r')) {
                to--;
            }
            if (to == from) {
                return;
            }
            if (parser.parse(bytes, from, to)) {
                float value = (float) parser.value;
                if (!Float.isFinite(value)) {
                    throw DataFormatException.at(file, lines.lineNumber, column + 1, name, "the value is not finite");
                }
                if (value != 0) {
                    push(nameBucket[column], nameSign[column] * value);
                }
                return;
            }
            if (to - from >= 2 && bytes[from] == '"' && bytes[to - 1] == '"') {
                from++;
                to--;
            }
            byte[] start = prefix[column];
            int length = start.length + to - from;
            if (key.length < length) {
                key = new byte[Math.max(length, 2 * key.length)];
            }
            System.arraycopy(start, 0, key, 0, start.length);
            System.arraycopy(bytes, from, key, start.length, to - from);
            int hash = FeatureHashing.murmur3(key, 0, length);
            push(FeatureHashing.bucket(hash, buckets), FeatureHashing.sign(hash));
        }

        private void push(int bucket, float value) {
            // insertion by bucket: a row holds one pair per column at most
            int p = rowLength++;
            while (p > 0 && rowBuckets[p - 1] > bucket) {
                rowBuckets[p] = rowBuckets[p - 1];
                rowValues[p] = rowValues[p - 1];
                p--;
            }
            rowBuckets[p] = bucket;
            rowValues[p] = value;
        }

        void endRow() {
            for (int p = 0; p < rowLength; ) {
                int bucket = rowBuckets[p];
                float sum = 0;
                for (; p < rowLength && rowBuckets[p] == bucket; p++) {
                    sum += rowValues[p];
                }
                if (sum != 0) {
                    indices.add(bucket);
                    values.add(sum);
                }
            }
            rowLength = 0;
            rowEnds.add(values.size());
        }

        int rows() {
            return rowEnds.size();
        }

        /** The rows of {@code parts} in order, as one (the parts hash alike: same columns, same buckets). */
        static Hashed joined(List<Hashed> parts) {
            Hashed all = new Hashed(parts.get(0));
            for (Hashed part : parts) {
                int offset = all.values.size();
                part.indices.appendTo(all.indices);
                part.values.appendTo(all.values);
                int[] ends = part.rowEnds.toArray();
                for (int end : ends) {
                    all.rowEnds.add(offset + end);
                }
            }
            return all;
        }

        CsrMatrix matrix() {
            return CsrMatrix.of(rowEnds.asRowOffsets(), indices.toArray(), values.toArray(), buckets);
        }
    }

    /** Weights are checked non-negative as they are read, so all zero is the same as a zero sum. */
    private static boolean allZero(float[] values) {
        for (float value : values) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }

    private static DataFormatException ragged(Path file, LineSource lines, int expected, int found) {
        return DataFormatException.at(file, lines.lineNumber, 0, null,
                "the row has " + found + " fields but the header has " + expected);
    }

    private static int countFields(byte[] bytes, int from, int to, byte delimiter) {
        int fields = 1;
        for (int i = from; i < to; i++) {
            fields += bytes[i] == delimiter ? 1 : 0;
        }
        return fields;
    }

    private static boolean nextNonBlank(LineSource lines) throws IOException {
        while (lines.next()) {
            for (int i = lines.start; i < lines.end; i++) {
                if (lines.buffer()[i] != ' ' && lines.buffer()[i] != '\t') {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether every field of the current line is a number: a data row where a header row was expected. */
    private static boolean allNumbers(LineSource lines, NumberParser parser, byte delimiter) {
        byte[] bytes = lines.buffer();
        int fieldStart = lines.start;
        for (int i = lines.start; i <= lines.end; i++) {
            if (i == lines.end || bytes[i] == delimiter) {
                if (!parser.parse(bytes, fieldStart, i)) {
                    return false;
                }
                fieldStart = i + 1;
            }
        }
        return true;
    }

    private static List<String> headerNames(LineSource lines, char delimiter) {
        String text = new String(lines.buffer(), lines.start, lines.end - lines.start, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> names = new ArrayList<>();
        for (String part : text.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1)) {
            names.add(unquoted(part));
        }
        return names;
    }

    /** A field as text: without the spaces around it and its surrounding double quotes, if it has them. */
    private static String unquoted(String field) {
        String text = field.trim();
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }
}
