package dev.descent.io.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small valid .npy files (format 1.0, little-endian float32), the fixed partner of a fuzzed one. */
final class NpyBytes {
    private NpyBytes() {
    }

    static byte[] float32Column(float[] values) {
        return file("{'descr': '<f4', 'fortran_order': False, 'shape': (" + values.length + ",), }", values);
    }

    static byte[] float32Matrix(int rows, int columns) {
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return file("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }", values);
    }

    private static byte[] file(String dictionary, float[] values) {
        int unpadded = 10 + dictionary.length() + 1;
        int header = (unpadded + 63) / 64 * 64 - 10;
        ByteBuffer out = ByteBuffer.allocate(10 + header + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header);
        String padded = dictionary + " ".repeat(header - dictionary.length() - 1) + "\n";
        out.put(padded.getBytes(StandardCharsets.US_ASCII));
        for (float value : values) {
            out.putFloat(value);
        }
        return out.array();
    }
}
