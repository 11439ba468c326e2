package dev.trainyard.training;

import java.time.Instant;

/**
 * Where a run was when its state was saved: enough to continue exactly as if it had not stopped. The network file
 * holds the parameters, the updater state (momentum) and DL4J's iteration counter, which drives the schedule; the
 * batch order and augmentation are recomputed from the job's seed, the epoch and the batch index.
 *
 * @param epoch              0-based epoch to continue in (after a finished epoch, the next one)
 * @param batch              batches of that epoch already trained
 * @param step               optimizer steps done in all
 * @param epochLossSum       sum of batch loss times batch size so far in that epoch, for its mean train loss
 * @param validationAccuracy accuracy on the validation split (else the test set) after the last finished epoch
 * @param file               the network file's name in the job's checkpoint folder
 * @param sizeBytes          size of the network file
 * @param sha256             SHA-256 of the network file
 */
public record Checkpoint(
        String file,
        int epoch,
        int batch,
        long step,
        double epochLossSum,
        Double validationAccuracy,
        long sizeBytes,
        String sha256,
        Instant createdAt) {

    /** Whether it was taken at an epoch boundary (after evaluation) rather than on a stop mid-epoch. */
    public boolean atEpochEnd() {
        return batch == 0;
    }
}
