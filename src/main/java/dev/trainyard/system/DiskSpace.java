package dev.trainyard.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/** Free space under the data directory: whether a job may start, and whether a failed write ran out of it. */
@Component
public class DiskSpace {

    private final DataDirectory dataDirectory;
    private final DataSize minFree;

    public DiskSpace(DataDirectory dataDirectory, StorageProperties properties) {
        this.dataDirectory = dataDirectory;
        this.minFree = properties.minFree();
    }

    /** Bytes this process may still write under the data directory. */
    public long freeBytes() {
        try {
            return Files.getFileStore(dataDirectory.root()).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space under the data directory", e);
        }
    }

    /** Why no job may start now, or empty while at least {@code trainyard.storage.min-free} is free. */
    public Optional<String> shortage() {
        long free = freeBytes();
        if (free >= minFree.toBytes()) {
            return Optional.empty();
        }
        return Optional.of("disk space: " + describe(free) + " free under the data directory, jobs start from "
                + describe(minFree.toBytes()) + " (trainyard.storage.min-free)");
    }

    /** Whether {@code failure} (or one of its causes) is a write that found no space left (ENOSPC, EDQUOT). */
    public static boolean isOutOfSpace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String reason = cause instanceof FileSystemException fileSystem && fileSystem.getReason() != null
                    ? fileSystem.getReason()
                    : cause.getMessage();
            if (cause instanceof IOException
                    && reason != null
                    && (reason.contains("No space left on device") || reason.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** A size for people: 1.2 GB, 340 MB, 12 KB. */
    public static String describe(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    }
}
