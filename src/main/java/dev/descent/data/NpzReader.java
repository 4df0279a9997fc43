package dev.descent.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * scipy.sparse's .npz files (scipy.sparse.save_npz, compressed or not) of a CSR matrix: a zip of the .npy
 * arrays indptr, indices, data, shape and format. Kept sparse; labels come from a second .npy
 * ({@code --labels}), as for .npy data. Indices out of order within a row (scipy allows them) are sorted;
 * a repeated index in a row, an index past the shape, or a value that is not finite is an error naming
 * the row. Each member is checked against the shape before anything of its size is allocated.
 */
final class NpzReader {
    private static final int CHUNK = 1 << 16;
    /** numpy's 'U' strings: four bytes a character, little-endian in the files numpy writes on x86 and ARM. */
    private static final java.nio.charset.Charset UTF_32LE = java.nio.charset.Charset.forName("UTF-32LE");

    private NpzReader() {
    }

    static DataFile.Table read(Path file, DataFile.Request request) throws IOException {
        CsrMatrix x;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String format = text(file, zip, "format");
            if (!format.equals("csr")) {
                throw DataFormatException.in(file, "it holds a " + format + " matrix; descent reads CSR: save x.tocsr()");
            }
            long[] shape = longs(file, zip, "shape", 2, Long.MAX_VALUE);
            if (shape[0] < 1 || shape[1] < 1 || shape[0] > Integer.MAX_VALUE - 9 || shape[1] > Integer.MAX_VALUE - 8) {
                throw DataFormatException.in(file, "shape (" + shape[0] + ", " + shape[1] + ") is empty or too large");
            }
            int rows = (int) shape[0];
            int columns = (int) shape[1];
            long[] offsets = longs(file, zip, "indptr", rows + 1, CsrMatrix.MAX_NON_ZEROS);
            long nonZeros = offsets[rows];
            for (int i = 0; i < rows; i++) {
                if (offsets[i + 1] < offsets[i] || offsets[0] != 0) {
                    throw DataFormatException.in(file, "indptr is not a run of offsets from 0 that never decreases (row index "
                            + i + ")");
                }
            }
            HeapBudget.require(file, 8 * nonZeros, nonZeros + " non-zeros as CSR");
            int[] indices = ints(file, zip, "indices", (int) nonZeros, columns);
            float[] values = floats(file, zip, "data", (int) nonZeros);
            sortRows(file, offsets, indices, values);
            x = CsrMatrix.of(offsets, indices, values, columns);
        } catch (ZipException e) {
            throw DataFormatException.in(file, "not a readable .npz (zip) file: " + e.getMessage());
        } catch (dev.descent.InvalidInputException e) {
            throw DataFormatException.in(file, e.getMessage());
        }
        if (request.features() != null && request.features().size() != x.columns()) {
            throw DataFormatException.in(file, "the data has " + x.columns() + " features but the model has "
                    + request.features().size());
        }
        float[] labels = null;
        if (request.labelsFile() != null) {
            labels = NpyReader.readLabels(request.labelsFile(), file, x.rows());
        } else if (request.labelRequired()) {
            throw DataFormatException.in(file, "a .npz file holds only X: give the labels with --labels FILE.npy");
        }
        return new DataFile.Table(Dataset.csr(x, labels), FeatureNames.numbered(x.columns()), labels == null ? null : "label",
                request.labelsFile() == null ? file : request.labelsFile(), null, 0);
    }

    /** Sorts the indices (and their values) of rows whose indices are out of order; a repeat is an error. */
    private static void sortRows(Path file, long[] offsets, int[] indices, float[] values) {
        for (int i = 0; i + 1 < offsets.length; i++) {
            int from = (int) offsets[i];
            int to = (int) offsets[i + 1];
            boolean sorted = true;
            for (int p = from + 1; p < to && sorted; p++) {
                sorted = indices[p] > indices[p - 1];
            }
            if (sorted) {
                continue;
            }
            long[] pairs = new long[to - from];
            for (int p = from; p < to; p++) {
                pairs[p - from] = ((long) indices[p] << 32) | (p - from);
            }
            Arrays.sort(pairs);
            float[] rowValues = Arrays.copyOfRange(values, from, to);
            for (int q = 0; q < pairs.length; q++) {
                indices[from + q] = (int) (pairs[q] >>> 32);
                values[from + q] = rowValues[(int) pairs[q]];
                if (q > 0 && indices[from + q] == indices[from + q - 1]) {
                    throw DataFormatException.in(file, "row index " + i + " holds column index " + indices[from + q]
                            + " twice; sum the duplicates first (x.sum_duplicates())");
                }
            }
        }
    }

    /** A member's .npy header, the stream positioned at its data. */
    private static NpyReader.Header header(Path file, String member, DataInputStream in) throws IOException {
        byte[] start = new byte[8];
        in.readFully(start);
        for (int i = 0; i < NpyReader.MAGIC.length; i++) {
            if (start[i] != NpyReader.MAGIC[i]) {
                throw DataFormatException.in(file, member + ".npy is not a .npy array");
            }
        }
        int major = start[6];
        long length;
        if (major == 1) {
            length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw DataFormatException.in(file, member + ".npy has .npy format version " + major + " (1, 2 or 3 are read)");
        }
        if (length > 1 << 20) {
            throw DataFormatException.in(file, member + ".npy claims a header of " + length + " bytes");
        }
        byte[] dictionary = new byte[(int) length];
        in.readFully(dictionary);
        return NpyReader.parseHeader(file, new String(dictionary, major == 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1), 0);
    }

    /** Opens member {@code name}.npy, checks it is 1-D of {@code count} elements (or 0-D, count 1), and reads its header. */
    private static Member open(Path file, ZipFile zip, String name, long count) throws IOException {
        ZipEntry entry = zip.getEntry(name + ".npy");
        if (entry == null) {
            throw DataFormatException.in(file, "no " + name + ".npy in it: not a scipy.sparse.save_npz file");
        }
        DataInputStream in = new DataInputStream(zip.getInputStream(entry));
        NpyReader.Header header = header(file, name, in);
        long elements = 1;
        for (long dimension : header.shape()) {
            elements *= dimension;
        }
        if (header.shape().length > 1 || elements != count) {
            in.close();
            throw DataFormatException.in(file, name + ".npy has shape " + Arrays.toString(header.shape()) + "; expected "
                    + count + " values");
        }
        // what the member's values will take as Java arrays, checked before they are made
        HeapBudget.require(file, 8 * count, name + ".npy's " + count + " values");
        return new Member(name, in, header);
    }

    private record Member(String name, DataInputStream in, NpyReader.Header header) {
        boolean integer() {
            return (header.kind() == 'i' || header.kind() == 'u') && (header.size() == 4 || header.size() == 8);
        }

        /** Calls {@code each} with the next values, chunk by chunk, in the member's byte order. */
        void forEachChunk(Path file, long count, java.util.function.Consumer<ByteBuffer> each) throws IOException {
            byte[] bytes = new byte[CHUNK - CHUNK % header.size()];
            long left = count * header.size();
            try (in) {
                while (left > 0) {
                    int length = (int) Math.min(bytes.length, left);
                    in.readFully(bytes, 0, length);
                    each.accept(ByteBuffer.wrap(bytes, 0, length).order(header.order()));
                    left -= length;
                }
            } catch (EOFException e) {
                throw DataFormatException.in(file, name + ".npy ends early");
            }
        }
    }

    private static String text(Path file, ZipFile zip, String name) throws IOException {
        Member member = open(file, zip, name, 1);
        char kind = member.header().kind();
        if (kind != 'U' && kind != 'S') {
            member.in().close();
            throw DataFormatException.in(file, name + ".npy is not a string");
        }
        int bytes = member.header().size() * (kind == 'U' ? 4 : 1);
        byte[] raw = new byte[bytes];
        try (DataInputStream in = member.in()) {
            in.readFully(raw);
        } catch (EOFException e) {
            throw DataFormatException.in(file, name + ".npy ends early");
        }
        String value = new String(raw, kind == 'U' ? UTF_32LE : StandardCharsets.US_ASCII);
        return value.replace("\0", "").trim();
    }

    private static long[] longs(Path file, ZipFile zip, String name, int count, long largest) throws IOException {
        long[] values = new long[count];
        forEachInteger(file, zip, name, count, (index, value) -> {
            if (value < 0 || value > largest) {
                throw DataFormatException.in(file, name + ".npy element " + index + " is " + value + "; expected 0.." + largest);
            }
            values[index] = value;
        });
        return values;
    }

    private static int[] ints(Path file, ZipFile zip, String name, int count, int bound) throws IOException {
        int[] values = new int[count];
        forEachInteger(file, zip, name, count, (index, value) -> {
            if (value < 0 || value >= bound) {
                throw DataFormatException.in(file, name + ".npy element " + index + " is column index " + value
                        + ", outside the shape's 0.." + (bound - 1));
            }
            values[index] = (int) value;
        });
        return values;
    }

    /** What to do with element {@code index} of an integer member. */
    private interface IntegerElement {
        void accept(int index, long value);
    }

    /** Each element of an integer member (int32 or int64), in order. */
    private static void forEachInteger(Path file, ZipFile zip, String name, int count, IntegerElement each)
            throws IOException {
        Member member = open(file, zip, name, count);
        requireInteger(file, member);
        int[] next = {0};
        member.forEachChunk(file, count, buffer -> {
            while (buffer.hasRemaining()) {
                each.accept(next[0]++, member.header().size() == 4 ? buffer.getInt() : buffer.getLong());
            }
        });
    }

    private static float[] floats(Path file, ZipFile zip, String name, int count) throws IOException {
        Member member = open(file, zip, name, count);
        char kind = member.header().kind();
        int size = member.header().size();
        if (!(kind == 'f' && (size == 4 || size == 8) || member.integer())) {
            member.in().close();
            throw DataFormatException.in(file, name + ".npy has dtype " + kind + size + "; expected float32, float64 or integers");
        }
        float[] values = new float[count];
        int[] next = {0};
        member.forEachChunk(file, count, buffer -> {
            while (buffer.hasRemaining()) {
                double value = kind == 'f' ? (size == 4 ? buffer.getFloat() : buffer.getDouble())
                        : size == 4 ? buffer.getInt() : buffer.getLong();
                values[next[0]++] = (float) value;
            }
        });
        return values;
    }

    private static void requireInteger(Path file, Member member) throws IOException {
        if (!member.integer()) {
            member.in().close();
            throw DataFormatException.in(file, member.name() + ".npy has dtype " + member.header().kind()
                    + member.header().size() + "; expected 32- or 64-bit integers");
        }
    }
}
