package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.training.Checkpoint;
import java.time.Instant;

/**
 * A checkpoint as the API lists it.
 *
 * @param epoch              epochs finished when it was taken
 * @param step               optimizer steps done when it was taken
 * @param atEpochEnd         taken after an epoch's evaluation (false: on a stop mid-epoch)
 * @param validationAccuracy after that epoch (validation split, else test set)
 * @param best               the checkpoint {@code ?which=best} downloads
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointView(
        int epoch,
        long step,
        boolean atEpochEnd,
        Double validationAccuracy,
        long sizeBytes,
        String sha256,
        Instant createdAt,
        boolean best) {

    static CheckpointView of(Checkpoint checkpoint, boolean best) {
        return new CheckpointView(
                checkpoint.epoch(),
                checkpoint.step(),
                checkpoint.atEpochEnd(),
                checkpoint.validationAccuracy(),
                checkpoint.sizeBytes(),
                checkpoint.sha256(),
                checkpoint.createdAt(),
                best);
    }
}
