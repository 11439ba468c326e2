package dev.trainyard.training;

import dev.trainyard.system.AtomicFiles;
import dev.trainyard.system.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One job's checkpoint files, {@code step-<n>.zip} (the network with its updater state). Each is written whole or
 * not at all ({@link AtomicFiles}) before anything records it, so a record never points at a partial file; which
 * checkpoints exist and which to keep is the job table's business.
 */
public final class CheckpointStore {

    private static final String PREFIX = "step-";

    private final Path folder;

    public CheckpointStore(Path folder) {
        this.folder = folder;
    }

    public Path file(Checkpoint checkpoint) {
        return folder.resolve(checkpoint.file());
    }

    /** Whether the checkpoint's file is there with the size and SHA-256 it was recorded with. */
    public boolean isIntact(Checkpoint checkpoint) {
        Path file = file(checkpoint);
        try {
            return Files.isRegularFile(file)
                    && Files.size(file) == checkpoint.sizeBytes()
                    && Sha256.hex(file).equals(checkpoint.sha256());
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the network and describes where the run was; the caller records the description. */
    public Checkpoint save(
            Network network, int epoch, int batch, long step, double epochLossSum, Double validationAccuracy)
            throws IOException {
        Path model = folder.resolve(fileName(step));
        AtomicFiles.write(model, partial -> network.save(partial.toFile()));
        return new Checkpoint(
                model.getFileName().toString(),
                epoch,
                batch,
                step,
                epochLossSum,
                validationAccuracy,
                Files.size(model),
                Sha256.hex(model),
                Instant.now());
    }

    public void delete(Checkpoint checkpoint) throws IOException {
        AtomicFiles.delete(file(checkpoint));
    }

    /** The file name of the checkpoint taken after {@code step} steps. */
    public static String fileName(long step) {
        return String.format("%s%09d.zip", PREFIX, step);
    }
}
