package dev.descent.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old content or the new, never half of it: the bytes go to a
 * temporary file beside the target, are forced to disk, and the temporary file is renamed over the
 * target (an atomic rename on POSIX file systems).
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the content. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Why {@link #write} could not write {@code target}, as far as can be seen before writing (the target
     * is a directory; the nearest existing ancestor is a file, or a directory this process cannot write
     * in), or null. Commands check their outputs with it before any long work.
     */
    public static String unwritableReason(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return absolute + " is a directory";
        }
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return "no folder of " + absolute + " exists";
        }
        if (!Files.isDirectory(existing)) {
            return existing + " is a file, not a folder";
        }
        if (!Files.isWritable(existing)) {
            return "this process cannot write in " + existing;
        }
        return null;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        // CREATE_NEW, not Files.createTempFile, which makes the file (and so the target) mode 0600
        // whatever the umask: created plainly, the file gets the permissions the user's umask gives. A name
        // taken by another writer is refused by CREATE_NEW, never shared.
        Path temporary = directory.resolve("." + absolute.getFileName() + "."
                + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".partial");
        // opened before the try: a name another writer holds throws here, and its file is not ours to delete
        FileChannel opened = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        try {
            try (FileChannel channel = opened) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
