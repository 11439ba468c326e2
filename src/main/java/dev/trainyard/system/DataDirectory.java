package dev.trainyard.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The layout of {@code trainyard.data-dir}; created on start so every feature can rely on it. */
@Component
public class DataDirectory implements JobStorage {

    private final Path root;

    public DataDirectory(TrainyardProperties properties) {
        this.root = properties.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(datasets());
            Files.createDirectories(jobs());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root
                    + "; set trainyard.data-dir to a writable folder", e);
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
    public Path job(UUID jobId) {
        return jobs().resolve(jobId.toString());
    }

    @Override
    public Path model(UUID jobId) {
        return job(jobId).resolve("model.zip");
    }

    @Override
    public Path checkpoints(UUID jobId) {
        return job(jobId).resolve("checkpoints");
    }

    @Override
    public Path log(UUID jobId) {
        return job(jobId).resolve("training.log");
    }

    public Path adminToken() {
        return root.resolve("admin.token");
    }
}
