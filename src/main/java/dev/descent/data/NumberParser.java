package dev.descent.data;

import java.nio.charset.StandardCharsets;

/**
 * Parses a decimal number from bytes without making a String: sign, digits, a point, digits, an
 * exponent. Values with at most 15 significant digits and a decimal exponent within 22 are computed
 * exactly as one multiplication or division of two exact doubles, so they round correctly (the
 * classic fast path of Clinger's algorithm); anything else falls back to Double.parseDouble.
 * Not thread-safe: one parser per reader.
 */
final class NumberParser {
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** The value of the last successful {@link #parse}. */
    double value;

    /** Parses bytes [from, to) (spaces and one pair of double quotes around it are ignored); false if it is not a number. */
    boolean parse(byte[] bytes, int from, int to) {
        while (from < to && bytes[from] == ' ') {
            from++;
        }
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\r')) {
            to--;
        }
        if (to - from >= 2 && bytes[from] == '"' && bytes[to - 1] == '"') {
            from++;
            to--;
        }
        if (from == to) {
            return false;
        }
        int i = from;
        boolean negative = false;
        if (bytes[i] == '-' || bytes[i] == '+') {
            negative = bytes[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int exponent = 0;
        int digits = 0;
        while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
            if (significant < 18) {
                mantissa = mantissa * 10 + (bytes[i] - '0');
                if (mantissa != 0) {
                    significant++;
                }
            } else {
                exponent++;
            }
            digits++;
            i++;
        }
        if (i < to && bytes[i] == '.') {
            i++;
            while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
                if (significant < 18) {
                    mantissa = mantissa * 10 + (bytes[i] - '0');
                    if (mantissa != 0) {
                        significant++;
                    }
                    exponent--;
                }
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return fallback(bytes, from, to);
        }
        if (i < to && (bytes[i] == 'e' || bytes[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (bytes[i] == '-' || bytes[i] == '+')) {
                negativeExponent = bytes[i] == '-';
                i++;
            }
            int start = i;
            int explicit = 0;
            while (i < to && bytes[i] >= '0' && bytes[i] <= '9') {
                explicit = Math.min(explicit * 10 + (bytes[i] - '0'), 100_000);
                i++;
            }
            if (i == start) {
                return false;
            }
            exponent += negativeExponent ? -explicit : explicit;
        }
        if (i != to) {
            return false;
        }
        if (significant <= 15 && Math.abs(exponent) <= 22) {
            double magnitude = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
            value = negative ? -magnitude : magnitude;
            return true;
        }
        return fallback(bytes, from, to);
    }

    private boolean fallback(byte[] bytes, int from, int to) {
        String text = new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        if (text.isEmpty() || !(Character.isDigit(text.charAt(text.length() - 1)) || text.endsWith("."))) {
            return false;
        }
        try {
            value = Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
