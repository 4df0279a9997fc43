package dev.descent;

/**
 * Bad data or a bad setting. For data, the message names the row and column (0-based indices,
 * as in the arrays the caller passed).
 */
public class InvalidInputException extends DescentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    /** A problem with one value of the data: row and column are 0-based; column -1 means the label. */
    public static InvalidInputException atCell(int row, int column, String problem) {
        String where = column < 0 ? "row index " + row + ", label" : "row index " + row + ", column index " + column;
        return new InvalidInputException(where + ": " + problem);
    }
}
