package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of a text file as ranges of one reusable byte buffer, read in large chunks: the file's text
 * is never held whole, and no String is made per line. Handles \n and \r\n endings.
 */
final class LineSource {
    private static final int CHUNK = 1 << 20;
    /** Lines longer than this are refused, so a file with no newline cannot make the buffer grow without end. */
    static final int MAX_LINE_BYTES = 64 << 20;

    private final InputStream in;
    private byte[] buffer = new byte[CHUNK];
    private int filled;
    private int position;
    private boolean endOfInput;

    /** The current line is buffer()[start, end), without its line ending. */
    int start;
    int end;
    long lineNumber;

    LineSource(InputStream in) {
        this.in = in;
    }

    byte[] buffer() {
        return buffer;
    }

    /** Advances to the next line; false at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            for (int i = position; i < filled; i++) {
                if (buffer[i] == '\n') {
                    start = position;
                    end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    position = i + 1;
                    lineNumber++;
                    return true;
                }
            }
            if (endOfInput) {
                if (position < filled) {
                    start = position;
                    end = filled > start && buffer[filled - 1] == '\r' ? filled - 1 : filled;
                    position = filled;
                    lineNumber++;
                    return true;
                }
                return false;
            }
            refill();
        }
    }

    private void refill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, filled - position);
            filled -= position;
            position = 0;
        }
        if (filled == buffer.length) {
            if (buffer.length >= MAX_LINE_BYTES) {
                throw new IOException("line " + (lineNumber + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, filled, buffer.length - filled);
        if (read < 0) {
            endOfInput = true;
        } else {
            filled += read;
        }
    }
}
