package dev.descent.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy .npy files (format versions 1, 2 and 3): float32 or float64 in C order; labels may also be
 * integers. The header's shape is checked against the file's size before anything is allocated, so
 * a header that claims more data than the file holds is refused, not believed.
 */
final class NpyReader {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int CHUNK = 1 << 22;

    private NpyReader() {
    }

    /** A parsed header: element type, shape, where the data starts. */
    record Header(char kind, int size, ByteOrder order, long[] shape, long dataOffset) {
    }

    static DataFile.Table read(Path file, DataFile.Request request) throws IOException {
        Matrix x = readMatrix(file, true, request.float64());
        int n = (int) x.rows;
        int d = (int) x.columns;
        if (request.features() != null && request.features().size() != d) {
            throw DataFormatException.in(file, "the data has " + d + " features but the model has " + request.features().size());
        }
        float[] labels = null;
        if (request.labelsFile() != null) {
            labels = readLabels(request.labelsFile(), file, n);
        } else if (request.labelRequired()) {
            throw DataFormatException.in(file, "a .npy file holds only X: give the labels with --labels FILE.npy");
        }
        List<String> names = FeatureNames.numbered(d);
        for (int i = 0; i < x.count(); i++) {
            double value = x.value(i);
            if (!Double.isFinite(value)) {
                throw DataFormatException.in(file, "row index " + i / d + ", column index " + i % d + ": value "
                        + value + " is not finite" + (x.wide && x.float64 == null ? " (or too large for float32)" : ""));
            }
        }
        Dataset data;
        if (request.float64()) {
            data = Dataset.rowMajor(x.float64 != null ? x.float64 : widened(x.values), n, d, labels);
        } else {
            data = Dataset.rowMajor(x.values, n, d, labels, x.shift);
        }
        return new DataFile.Table(data, names, labels == null ? null : "label",
                request.labelsFile() == null ? file : request.labelsFile(), null, 0);
    }

    /** The n labels of {@code dataFile}'s rows from a .npy of shape (n,) or (n, 1), each finite. */
    static float[] readLabels(Path labelsFile, Path dataFile, int n) throws IOException {
        Matrix y = readMatrix(labelsFile, false, false);
        if (y.columns != 1) {
            throw DataFormatException.in(labelsFile, "labels must have shape (" + n + ",) or (" + n
                    + ", 1), not (" + y.rows + ", " + y.columns + ")");
        }
        if (y.rows != n) {
            throw DataFormatException.in(labelsFile, "there are " + y.rows + " labels for the " + n + " rows of " + dataFile);
        }
        for (int i = 0; i < y.values.length; i++) {
            if (!Float.isFinite(y.values[i])) {
                throw DataFormatException.in(labelsFile, "label index " + i + ": " + y.values[i] + " is not finite");
            }
        }
        return y.values;
    }

    /**
     * Values as float32, held as x - shift when {@code shift} is not null (float64 features: {@link FeatureShift});
     * or, for float64 features read with {@code --precision double}, as they are in {@code float64} (values null).
     */
    private record Matrix(long rows, long columns, float[] values, boolean wide, double[] shift, double[] float64) {
        int count() {
            return float64 != null ? float64.length : values.length;
        }

        double value(int i) {
            return float64 != null ? float64[i] : values[i];
        }
    }

    private static double[] widened(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    /** Reads a 2-D (or, for labels, 1-D) array as float32, or float64 values as they are when {@code float64}. */
    private static Matrix readMatrix(Path file, boolean features, boolean float64) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            Header header = header(file, channel, fileSize);
            boolean floating = header.kind == 'f' && (header.size == 4 || header.size == 8);
            boolean integer = (header.kind == 'i' || header.kind == 'u') && (header.size == 1 || header.size == 2
                    || header.size == 4 || header.size == 8);
            if (!(floating || (!features && integer))) {
                throw DataFormatException.in(file, "dtype " + header.kind + header.size + " is not supported: X must be float32 or"
                        + " float64 (labels may also be integers)");
            }
            long[] shape = header.shape;
            long rows;
            long columns;
            if (shape.length == 2) {
                rows = shape[0];
                columns = shape[1];
            } else if (shape.length == 1 && !features) {
                rows = shape[0];
                columns = 1;
            } else {
                throw DataFormatException.in(file, "shape has " + shape.length + " dimensions; expected "
                        + (features ? "(rows, features)" : "(rows,)"));
            }
            long count = rows * columns;
            long bytes = count * header.size;
            if (rows < 0 || columns < 0 || count / Math.max(1, columns) != rows || bytes / header.size != count
                    || header.dataOffset + bytes != fileSize) {
                throw DataFormatException.in(file, "the header promises " + rows + " x " + columns + " values of "
                        + header.size + " bytes after byte " + header.dataOffset + ", but the file has " + fileSize + " bytes");
            }
            if (count == 0) {
                throw DataFormatException.in(file, "the array is empty (shape " + rows + " x " + columns + ")");
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw DataFormatException.in(file, count + " values are more than one Java array holds");
            }
            boolean exact = float64 && header.kind == 'f' && header.size == 8;
            HeapBudget.require(file, (exact ? 8L : 4L) * count, rows + " x " + columns + " values as float" + (exact ? 64 : 32));
            if (exact) {
                double[] values = new double[(int) count];
                ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK).order(header.order);
                channel.position(header.dataOffset);
                for (int next = 0; next < values.length; ) {
                    readChunk(file, channel, buffer, (values.length - next) * 8L, next);
                    int doubles = buffer.remaining() / 8;
                    buffer.asDoubleBuffer().get(values, next, doubles);
                    next += doubles;
                }
                return new Matrix(rows, columns, null, true, null, values);
            }
            float[] values = new float[(int) count];
            // direct: the channel reads into it without a copy, and its float view copies out in bulk
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK - CHUNK % header.size).order(header.order);
            double[] wide = header.kind == 'f' && header.size == 8 ? new double[CHUNK / 8] : null;
            double[] shift = null;
            channel.position(header.dataOffset);
            int next = 0;
            while (next < values.length) {
                readChunk(file, channel, buffer, (values.length - next) * (long) header.size, next);
                if (header.kind == 'f' && header.size == 4) {
                    // a bulk copy (with the byte order applied) instead of a call per value: page-cache speed in a cold JVM
                    int floats = buffer.remaining() / 4;
                    buffer.asFloatBuffer().get(values, next, floats);
                    next += floats;
                } else if (header.kind == 'f') {
                    int doubles = buffer.remaining() / 8;
                    buffer.asDoubleBuffer().get(wide, 0, doubles);
                    if (next == 0 && features) {
                        // the first rows, read in double, choose what the float32 features hold subtracted
                        shift = FeatureShift.choose(wide, (int) (doubles / columns), (int) columns);
                    }
                    for (int k = 0; k < doubles; k++) {
                        values[next] = FeatureShift.stored(wide[k], shift, (int) (next % columns));
                        next++;
                    }
                } else {
                    while (buffer.hasRemaining()) {
                        values[next++] = (float) element(buffer, header);
                    }
                }
            }
            return new Matrix(rows, columns, values, header.size == 8, shift, null);
        }
    }

    /**
     * Fills {@code buffer} (cleared; at most {@code remaining} bytes) from the channel and flips it; {@code next},
     * the first value it holds, names where the file ended early.
     */
    private static void readChunk(Path file, FileChannel channel, ByteBuffer buffer, long remaining, int next)
            throws IOException {
        buffer.clear();
        if (remaining < buffer.capacity()) {
            buffer.limit((int) remaining);
        }
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw DataFormatException.in(file, "the file ends early, at value " + next);
            }
        }
        buffer.flip();
    }

    private static double element(ByteBuffer buffer, Header header) {
        if (header.kind == 'f') {
            return header.size == 4 ? buffer.getFloat() : buffer.getDouble();
        }
        long raw = switch (header.size) {
            case 1 -> header.kind == 'u' ? buffer.get() & 0xFF : buffer.get();
            case 2 -> header.kind == 'u' ? buffer.getShort() & 0xFFFF : buffer.getShort();
            case 4 -> header.kind == 'u' ? buffer.getInt() & 0xFFFFFFFFL : buffer.getInt();
            default -> buffer.getLong();
        };
        return raw;
    }

    private static Header header(Path file, FileChannel channel, long fileSize) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (start.hasRemaining() && channel.read(start) >= 0) {
            // fill
        }
        if (start.position() < 10) {
            throw DataFormatException.in(file, "too short to be a .npy file (" + fileSize + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (start.get(i) != MAGIC[i]) {
                throw DataFormatException.in(file, "not a .npy file: it does not start with \\x93NUMPY");
            }
        }
        int major = start.get(6);
        long headerLength;
        long headerStart;
        if (major == 1) {
            headerLength = start.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (start.position() < 12) {
                throw DataFormatException.in(file, "the .npy header is cut short");
            }
            headerLength = start.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw DataFormatException.in(file, ".npy format version " + major + " is not supported (1, 2 or 3 are)");
        }
        if (headerLength > 1 << 20 || headerStart + headerLength > fileSize) {
            throw DataFormatException.in(file, "the .npy header claims " + headerLength + " bytes; the file has " + fileSize);
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        channel.position(headerStart);
        while (text.hasRemaining() && channel.read(text) >= 0) {
            // fill
        }
        String dictionary = new String(text.array(), 0, text.position(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseHeader(file, dictionary, headerStart + headerLength);
    }

    /**
     * The header's dictionary ("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"), for data from
     * {@code dataOffset}. Shared with {@link NpzReader}, whose members are .npy files.
     */
    static Header parseHeader(Path file, String dictionary, long dataOffset) {
        Matcher descr = DESCR.matcher(dictionary);
        Matcher fortran = FORTRAN.matcher(dictionary);
        Matcher shape = SHAPE.matcher(dictionary);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw DataFormatException.in(file, "the .npy header is not a dictionary with descr, fortran_order and shape: "
                    + dictionary.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw DataFormatException.in(file, "the array is in Fortran order; save it with numpy.ascontiguousarray first");
        }
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Long> dimensions = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                dimensions.add(Long.parseLong(trimmed.endsWith("L") ? trimmed.substring(0, trimmed.length() - 1) : trimmed));
            } catch (NumberFormatException e) {
                throw DataFormatException.in(file, "the shape (" + shape.group(1) + ") is not a tuple of integers");
            }
        }
        long[] dims = dimensions.stream().mapToLong(Long::longValue).toArray();
        int size;
        try {
            size = Integer.parseInt(descr.group(3));
        } catch (NumberFormatException e) {
            throw DataFormatException.in(file, "dtype size '" + descr.group(3) + "' is not a number");
        }
        return new Header(descr.group(2).charAt(0), size, order, dims, dataOffset);
    }
}
