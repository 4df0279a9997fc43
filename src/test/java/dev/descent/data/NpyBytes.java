package dev.descent.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Valid .npy files (format 1.0, little-endian float32) for tests: the fuzzer's fixed partners, the heap test's large file. */
public final class NpyBytes {
    private NpyBytes() {
    }

    public static byte[] float32Column(float[] values) {
        return withValues(header(values.length, 1), values);
    }

    public static byte[] float32Matrix(int rows, int columns) {
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return withValues(header(rows, columns), values);
    }

    /** The magic, version and header of a (rows,) array when columns is 1, else (rows, columns); the data follows it. */
    public static byte[] header(long rows, long columns) {
        String dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows
                + (columns == 1 ? ",)" : ", " + columns + ")") + ", }";
        int header = (10 + dictionary.length() + 1 + 63) / 64 * 64 - 10;
        ByteBuffer out = ByteBuffer.allocate(10 + header).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header);
        out.put((dictionary + " ".repeat(header - dictionary.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    private static byte[] withValues(byte[] header, float[] values) {
        ByteBuffer out = ByteBuffer.allocate(header.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(header);
        for (float value : values) {
            out.putFloat(value);
        }
        return out.array();
    }
}
