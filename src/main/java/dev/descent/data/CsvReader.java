package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV with a header row, streamed: lines are parsed from a reused byte buffer straight into float32
 * arrays. Fields are separated by commas (or the request's delimiter); names and numbers may be in
 * double quotes; blank lines are skipped. Every other column than the label (and weight, and the
 * dropped ones) is a numeric feature.
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
        if (request.classNames() != null) {
            return read(file, request, true);
        }
        try {
            return read(file, request, false);
        } catch (TextLabels e) {
            return read(file, request, true);
        }
    }

    private static DataFile.Table read(Path file, DataFile.Request request, boolean textLabels) throws IOException {
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
            Hashed hashed = request.hashBuckets() > 0 ? new Hashed(features, request.hashBuckets()) : null;
            FloatColumns x = new FloatColumns();
            FloatColumns y = new FloatColumns();
            FloatColumns weights = new FloatColumns();
            IntColumns lineNumbers = new IntColumns();
            Map<String, Integer> names = new HashMap<>();
            if (textLabels && request.classNames() != null) {
                for (String name : request.classNames()) {
                    names.put(name, names.size());
                }
            }
            float[] row = new float[d];
            // without a header the first row, already read, is data
            boolean more = !request.header() || nextNonBlank(lines);
            for (; more; more = nextNonBlank(lines)) {
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
                        label = classIndex(file, lines, field, header.get(field), bytes, fieldStart, i, names,
                                request.classNames());
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
                        float value = (float) parser.value;
                        if (!Float.isFinite(value)) {
                            throw DataFormatException.at(file, lines.lineNumber, field + 1, header.get(field),
                                    Double.isFinite(parser.value) ? parser.value + " is too large for float32"
                                            : "the value is not finite");
                        }
                        if (target >= 0) {
                            row[target] = value;
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
                    for (float value : row) {
                        x.add(value);
                    }
                }
                if (labelColumn != null) {
                    y.add(label);
                }
                lineNumbers.add((int) Math.min(Integer.MAX_VALUE, lines.lineNumber));
                if (request.weights() != null) {
                    weights.add(weight);
                }
            }
            int n = hashed != null ? hashed.rows() : x.size() / d;
            if (n == 0) {
                throw DataFormatException.in(file, "the file has a header but no data rows");
            }
            float[] labels = labelColumn == null ? null : y.toArray();
            List<String> classNames = null;
            if (textLabels && labelColumn != null) {
                classNames = request.classNames() != null ? request.classNames() : sortedNames(names, labels);
            }
            Dataset data = hashed != null ? Dataset.csr(hashed.matrix(), labels) : Dataset.rowMajor(x.toArray(), n, d, labels);
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
