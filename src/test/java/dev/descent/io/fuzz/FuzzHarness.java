package dev.descent.io.fuzz;

import dev.descent.data.DataFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What every reader must do with any bytes at all: parse them, or throw descent's
 * {@link DataFormatException} whose message starts with the file's path (and, for text, the line and
 * column), or with the path of the other file of a pair (a labels file). Anything else escaping the reader (another exception, an error such as
 * OutOfMemoryError from trusting a length field, a hang) is a finding: Jazzer reports it and saves
 * the input.
 *
 * <p>Each fuzz target writes its input to one file in a private temporary folder (the readers take
 * paths) and reads it back; the folder goes when the JVM exits.
 */
final class FuzzHarness {
    /** Every harness's file: an error may rightly name the other file of a pair (features and labels). */
    private static final Set<String> FILES = ConcurrentHashMap.newKeySet();
    private final Path file;

    FuzzHarness(String fileName) {
        try {
            Path folder = Files.createTempDirectory("descent-fuzz");
            folder.toFile().deleteOnExit();
            file = folder.resolve(fileName);
            file.toFile().deleteOnExit();
            FILES.add(file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to the file and runs {@code read} on it. */
    void check(byte[] bytes, Consumer<Path> read) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            read.accept(file);
        } catch (DataFormatException e) {
            String message = e.getMessage();
            if (message == null || FILES.stream().noneMatch(message::startsWith)) {
                throw new AssertionError("a data error without its location: " + e.getMessage(), e);
            }
        }
    }
}
