package dev.trainyard.jobs;

import dev.trainyard.training.RunRecord;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as stored: its effective spec, lifecycle state and the latest progress the trainer wrote.
 * State changes go through {@link #requireMove}, which refuses any change {@link JobState} does not allow.
 * {@code run} records what the latest start ran on (versions, device, dataset fingerprint).
 */
public record Job(UUID id, long seq, String owner, JobSpec spec, JobState state, long version, int attempt,
                  Instant submittedAt, Instant startedAt, Instant finishedAt, boolean cancelRequested,
                  Progress progress, JobError error, RunRecord run) {

    /**
     * How far training got.
     *
     * @param epoch           1-based epoch in progress (or last finished)
     * @param step            optimizer steps done
     * @param imagesPerSecond training throughput over recent steps
     */
    public record Progress(Integer epoch, Long step, Integer stepsPerEpoch, Long totalSteps, Double loss,
                           Double learningRate, Double imagesPerSecond) {

        static final Progress NONE = new Progress(null, null, null, null, null, null, null);
    }

    /**
     * Why a job failed.
     *
     * @param code a stable identifier: {@code dataset_unavailable}, {@code diverged}, {@code interrupted},
     *             {@code training_error}
     */
    public record JobError(String code, String message) {
    }

    /** @throws IllegalJobTransitionException when the lifecycle does not allow moving to {@code target} */
    public void requireMove(JobState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalJobTransitionException(id, state, target);
        }
    }
}
