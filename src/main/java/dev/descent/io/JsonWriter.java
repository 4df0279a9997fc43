package dev.descent.io;

import java.util.Locale;

/**
 * A small writer of indented JSON, for model files: a fresh JVM spends ~0.2 s initializing Jackson
 * before its first write (bench/results/2026-12-05-time-to-solution), a tenth of a whole small fit.
 * The layout is Jackson's indented one ({@code "name" : value}, arrays on one line), so files read the
 * same either way; Jackson still reads them. Numbers are Java's shortest round-trip form.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(1024);
    private int depth;
    private boolean first = true;

    /** Opens an object, as the whole document or as the value of {@code name} (null at the top). */
    JsonWriter beginObject(String name) {
        if (name != null) {
            name(name);
        }
        out.append('{');
        depth++;
        first = true;
        return this;
    }

    JsonWriter endObject() {
        depth--;
        newline();
        out.append('}');
        first = false;
        return this;
    }

    JsonWriter string(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    /** A number, or null where it is not finite (JSON has no NaN). */
    JsonWriter number(String name, double value) {
        name(name);
        number(value);
        return this;
    }

    JsonWriter integer(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonWriter nullValue(String name) {
        name(name);
        out.append("null");
        return this;
    }

    JsonWriter strings(String name, Iterable<String> values) {
        name(name);
        out.append('[');
        boolean any = false;
        for (String value : values) {
            out.append(any ? ", " : " ");
            quote(value);
            any = true;
        }
        out.append(any ? " ]" : " ]");
        return this;
    }

    JsonWriter numbers(String name, double[] values) {
        name(name);
        array(values);
        return this;
    }

    /** An array of arrays of numbers, on one line. */
    JsonWriter rows(String name, double[][] rows) {
        name(name);
        out.append('[');
        for (int r = 0; r < rows.length; r++) {
            out.append(r == 0 ? " " : ", ");
            array(rows[r]);
        }
        out.append(" ]");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void array(double[] values) {
        out.append('[');
        for (int j = 0; j < values.length; j++) {
            out.append(j == 0 ? " " : ", ");
            number(values[j]);
        }
        out.append(" ]");
    }

    private void number(double value) {
        out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    }

    private void name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        newline();
        quote(name);
        out.append(" : ");
    }

    private void newline() {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
