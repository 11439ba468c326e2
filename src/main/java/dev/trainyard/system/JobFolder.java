package dev.trainyard.system;

import java.nio.file.Path;

/**
 * The files of one job, all in its own folder; {@link JobArtifacts} says where that folder is.
 *
 * @param root        the job's folder
 * @param model       the trained model, a DL4J ModelSerializer zip
 * @param modelCard   beside the model: its class names and the per-channel normalisation it expects
 * @param evaluation  beside the model: the final network's confusion matrix on the test (else validation) images
 * @param checkpoints the job's checkpoints, from which an interrupted run resumes on any replica
 * @param log         the training log: one line per epoch and per state change, for reading with tail
 */
public record JobFolder(Path root, Path model, Path modelCard, Path evaluation, Path checkpoints, Path log) {

    /** The layout of a job's folder at {@code root}. */
    public static JobFolder at(Path root) {
        return new JobFolder(
                root,
                root.resolve("model.zip"),
                root.resolve("model-card.json"),
                root.resolve("evaluation.json"),
                root.resolve("checkpoints"),
                root.resolve("training.log"));
    }
}
