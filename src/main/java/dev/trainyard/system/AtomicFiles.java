package dev.trainyard.system;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that appear whole or not at all, and stay after a crash: content goes to a temporary file beside the target
 * (named {@value #TEMPORARY_PREFIX}..., so a sweep can tell leftovers apart), is forced to disk, renamed over the
 * target in one step, and the rename is forced to disk with the folder.
 */
public final class AtomicFiles {

    /** Temporary files of an unfinished write begin with this; nothing else in the data directory does. */
    public static final String TEMPORARY_PREFIX = ".partial-";

    private AtomicFiles() {}

    /** Writes a file's content to a given path; the path is a new, empty temporary file. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path file) throws IOException;
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, file -> Files.write(file, content));
    }

    /** Has {@code writer} fill a temporary file, then moves it over {@code target} durably. */
    public static void write(Path target, Writer writer) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, TEMPORARY_PREFIX, ".tmp");
        try {
            writer.writeTo(partial);
            force(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(folder);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Deletes a file and forces the deletion to disk with its folder. */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            force(file.toAbsolutePath().getParent());
        }
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel =
                FileChannel.open(path, Files.isDirectory(path) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
