package dev.descent.data;

import dev.descent.InvalidInputException;
import java.nio.file.Path;

/**
 * A data or model file descent cannot read, with where: the file, and for text the line and column
 * (both 1-based, as editors count them), or for binary files the byte offset.
 */
public class DataFormatException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    /** "file:line: problem" or "file:line, column c (name): problem". */
    public static DataFormatException at(Path file, long line, int column, String columnName, String problem) {
        StringBuilder where = new StringBuilder().append(file).append(':').append(line);
        if (column > 0) {
            where.append(", column ").append(column);
            if (columnName != null) {
                where.append(" (").append(columnName).append(')');
            }
        }
        return new DataFormatException(where + ": " + problem);
    }

    /** "file: problem" for problems of the file as a whole (header, size, type). */
    public static DataFormatException in(Path file, String problem) {
        return new DataFormatException(file + ": " + problem);
    }
}
