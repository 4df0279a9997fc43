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

    /** The lines of {@code bytes[0, length)}, the first of them line {@code firstLineNumber} of its file (a {@link Block}). */
    LineSource(byte[] bytes, int length, long firstLineNumber) {
        this.in = null;
        this.buffer = bytes;
        this.filled = length;
        this.endOfInput = true;
        this.lineNumber = firstLineNumber - 1;
    }

    /** Whole lines of the file, bytes[0, length), the first of them line {@code firstLineNumber}; {@code lineCount} of them. */
    record Block(byte[] bytes, int length, long firstLineNumber, long lineCount) {
        LineSource lines() {
            return new LineSource(bytes, length, firstLineNumber);
        }
    }

    /**
     * The rest of the file from the line after the current one (or from the current one, {@code withCurrent})
     * as a block of whole lines of about {@code size} bytes, for parsing apart from this source; null at the
     * end. After it, this source stands before the block's successor, and {@link #next} goes on from there.
     */
    Block nextBlock(int size, boolean withCurrent) throws IOException {
        long firstLine = withCurrent ? lineNumber : lineNumber + 1;
        if (withCurrent) {
            position = start;
        }
        byte[] block = new byte[size];
        int length = 0;
        int cut;
        while (true) {
            length = fill(block, length);
            boolean exhausted = position == filled && endOfInput;
            cut = length;
            if (!exhausted) {
                while (cut > 0 && block[cut - 1] != '\n') {
                    cut--;
                }
            }
            if (cut > 0 || exhausted) {
                break;
            }
            // no line ends in the block: a line longer than it
            if (block.length >= MAX_LINE_BYTES) {
                throw new IOException("line " + firstLine + " is longer than " + MAX_LINE_BYTES + " bytes");
            }
            block = Arrays.copyOf(block, block.length * 2);
        }
        if (length == 0) {
            return null;
        }
        // the start of a line after the cut goes back before the bytes not yet taken, for the next block
        int rest = length - cut;
        if (rest > 0) {
            int unread = filled - position;
            byte[] target = buffer.length >= rest + unread ? buffer : new byte[Math.max(CHUNK, rest + unread)];
            System.arraycopy(buffer, position, target, rest, unread);
            System.arraycopy(block, cut, target, 0, rest);
            buffer = target;
            filled = rest + unread;
            position = 0;
        }
        long lines = 0;
        for (int i = 0; i < cut; i++) {
            lines += block[i] == '\n' ? 1 : 0;
        }
        lineNumber = firstLine - 1 + lines;
        return new Block(block, cut, firstLine, lines);
    }

    /** Fills block[length, ...) from the bytes buffered here, then from the file; returns the new length. */
    private int fill(byte[] block, int length) throws IOException {
        while (length < block.length) {
            if (position < filled) {
                int taken = Math.min(block.length - length, filled - position);
                System.arraycopy(buffer, position, block, length, taken);
                position += taken;
                length += taken;
            } else if (!endOfInput) {
                int read = in.read(block, length, block.length - length);
                if (read < 0) {
                    endOfInput = true;
                } else {
                    length += read;
                }
            } else {
                break;
            }
        }
        return length;
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
