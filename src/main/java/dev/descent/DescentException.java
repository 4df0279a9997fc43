package dev.descent;

/**
 * The one exception type descent raises for problems it can name: bad input, a backend that
 * cannot run, a native error. The message is written for the person who has to fix it.
 */
public class DescentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DescentException(String message) {
        super(message);
    }

    public DescentException(String message, Throwable cause) {
        super(message, cause);
    }
}
