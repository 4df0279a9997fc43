package dev.descent.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Checks that an allocation the data needs fits the Java heap before making it, so that data too
 * large for the heap is a clear error naming the sizes and the setting to change, not an
 * OutOfMemoryError halfway through; and that it fits the one Java array descent keeps it in.
 */
public final class HeapBudget {
    /** The launcher's way to raise the heap, named in every message. */
    static final String SETTING = "raise the Java heap with -Xmx (for ./descent: DESCENT_JAVA_OPTS=-Xmx%dg)";

    private HeapBudget() {
    }

    /** Heap the JVM can still give: the maximum, less what is in use now. */
    public static long available() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    /** Throws a {@link DataFormatException} on {@code file} when {@code bytes} for {@code what} exceed {@link #available()}. */
    static void require(Path file, long bytes, String what) {
        long available = available();
        if (bytes > available) {
            throw DataFormatException.in(file, tooLarge(bytes, what, available));
        }
    }

    /** "what needs N MiB, but the Java heap has M MiB free of T MiB; raise ..." */
    public static String tooLarge(long bytes, String what, long available) {
        long max = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT, "%s needs %,d MiB, but the Java heap has %,d MiB free of %,d MiB; " + SETTING,
                what, bytes >> 20, available >> 20, max >> 20, suggestedGiB(bytes));
    }

    /** After an OutOfMemoryError: "what does not fit the Java heap of T MiB; raise ..." (more is a guess at what would). */
    public static String exhausted(String what, long more) {
        long max = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT, "%s does not fit the Java heap of %,d MiB; " + SETTING, what, max >> 20,
                suggestedGiB(more));
    }

    /** How far an estimate from a file's first lines must exceed the one-array limit to refuse: later lines may be longer. */
    static final double ESTIMATE_MARGIN = 1.25;

    /**
     * Refuses, before the file is read on, data estimated from its size and first lines to hold {@code values}
     * values (dense features, or sparse non-zeros), which descent keeps in one Java array
     * ({@link CsrMatrix#MAX_NON_ZEROS} at most), when the estimate exceeds that by {@link #ESTIMATE_MARGIN}, so
     * that data that fits is never refused for it; {@code estimate} says what was estimated, and how.
     */
    static void refuseBeyondOneArray(Path file, double values, Supplier<String> estimate) {
        if (values > ESTIMATE_MARGIN * CsrMatrix.MAX_NON_ZEROS) {
            throw DataFormatException.in(file, String.format(Locale.ROOT, "%s, more than the %,d one Java array holds,"
                    + " which is where descent keeps them: fit on a sample of the rows, or fit with Spark (descent-spark),"
                    + " whose partitions each hold their own", estimate.get(), CsrMatrix.MAX_NON_ZEROS));
        }
    }

    /** A heap that holds what is there now and the request twice over, in whole GiB. */
    private static long suggestedGiB(long bytes) {
        return Math.max(2, (Runtime.getRuntime().maxMemory() + 2 * bytes + (1L << 30) - 1) >> 30);
    }
}
