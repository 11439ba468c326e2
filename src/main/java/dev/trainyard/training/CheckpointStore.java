package dev.trainyard.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * One job's checkpoints: {@code step-<n>.zip} (network with updater state) and its {@code step-<n>.json}
 * description, each written to a temporary file, forced to disk and renamed into place, the description last, so a
 * crash never leaves a checkpoint that looks complete but is not. Keeps the newest {@code keep} and the best by
 * validation accuracy.
 */
public final class CheckpointStore {

    private static final String PREFIX = "step-";

    private final Path folder;
    private final int keep;
    private final JsonMapper json = JsonMapper.builder().build();

    public CheckpointStore(Path folder, int keep) {
        this.folder = folder;
        this.keep = keep;
    }

    /** Every complete checkpoint, oldest first. */
    public List<Checkpoint> list() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path description : files.filter(path -> path.getFileName().toString().startsWith(PREFIX)
                    && path.getFileName().toString().endsWith(".json")).toList()) {
                Checkpoint checkpoint = json.readValue(Files.readString(description), Checkpoint.class);
                if (Files.isRegularFile(folder.resolve(checkpoint.file()))) {
                    checkpoints.add(checkpoint);
                }
            }
        }
        checkpoints.sort(Comparator.comparingLong(Checkpoint::step));
        return checkpoints;
    }

    public Optional<Checkpoint> latest() throws IOException {
        List<Checkpoint> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The checkpoint with the highest validation accuracy (the later one on a tie). */
    public Optional<Checkpoint> best() throws IOException {
        return list().stream().filter(checkpoint -> checkpoint.validationAccuracy() != null)
                .max(Comparator.comparingDouble(Checkpoint::validationAccuracy)
                        .thenComparingLong(Checkpoint::step));
    }

    public Path file(Checkpoint checkpoint) {
        return folder.resolve(checkpoint.file());
    }

    /** Saves the network and its position durably, then removes checkpoints that are neither recent nor best. */
    public Checkpoint save(Network network, int epoch, int batch, long step, double epochLossSum,
                           Double validationAccuracy) throws IOException {
        Files.createDirectories(folder);
        String name = String.format("%s%09d", PREFIX, step);
        Path model = folder.resolve(name + ".zip");
        Path partial = Files.createTempFile(folder, ".checkpoint-", ".part");
        try {
            network.save(partial.toFile());
            force(partial);
            Files.move(partial, model, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        Checkpoint checkpoint = new Checkpoint(model.getFileName().toString(), epoch, batch, step, epochLossSum,
                validationAccuracy, Files.size(model), sha256(model), Instant.now());
        writeDurably(folder.resolve(name + ".json"), json.writeValueAsBytes(checkpoint));
        force(folder);
        prune();
        return checkpoint;
    }

    private void prune() throws IOException {
        List<Checkpoint> all = list();
        Optional<Checkpoint> best = best();
        for (int i = 0; i < all.size() - keep; i++) {
            Checkpoint old = all.get(i);
            if (best.isPresent() && best.get().step() == old.step()) {
                continue;
            }
            String base = old.file().substring(0, old.file().length() - ".zip".length());
            Files.deleteIfExists(folder.resolve(base + ".json"));
            Files.deleteIfExists(folder.resolve(old.file()));
        }
    }

    private static void writeDurably(Path target, byte[] content) throws IOException {
        Path partial = Files.createTempFile(target.getParent(), ".checkpoint-", ".part");
        try {
            Files.write(partial, content);
            force(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path)
                ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
