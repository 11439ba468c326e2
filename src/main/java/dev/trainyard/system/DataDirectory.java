package dev.trainyard.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The layout of {@code trainyard.data-dir}; created on start so every feature can rely on it. */
@Component
public class DataDirectory implements JobArtifacts {

    /** A deleted job's folder is renamed to this prefix first, so it leaves the API's view in one step. */
    static final String DELETING_PREFIX = ".deleted-";

    private final Path root;

    public DataDirectory(TrainyardProperties properties) {
        this.root = properties.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(datasets());
            Files.createDirectories(jobs());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data directory " + root + "; set trainyard.data-dir to a writable folder", e);
        }
    }

    public Path root() {
        return root;
    }

    /** Datasets, one folder each, e.g. {@code datasets/cifar-10-batches-bin/}. */
    public Path datasets() {
        return root.resolve("datasets");
    }

    /** Decoded image folders, kept so later jobs on the same images skip decoding; safe to delete. */
    public Path decodedImageCache() {
        return root.resolve("cache").resolve("decoded");
    }

    @Override
    public Path jobs() {
        return root.resolve("jobs");
    }

    @Override
    public JobFolder folder(UUID jobId) {
        return JobFolder.at(jobs().resolve(jobId.toString()));
    }

    @Override
    public Path deleting(UUID jobId) {
        return jobs().resolve(DELETING_PREFIX + jobId);
    }

    @Override
    public boolean isBeingDeleted(Path folder) {
        return folder.getFileName().toString().startsWith(DELETING_PREFIX);
    }

    @Override
    public Optional<UUID> jobOf(Path folder) {
        String name = folder.getFileName().toString();
        try {
            UUID id = UUID.fromString(name);
            return id.toString().equals(name) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException notAJob) {
            return Optional.empty();
        }
    }

    public Path adminToken() {
        return root.resolve("admin.token");
    }
}
