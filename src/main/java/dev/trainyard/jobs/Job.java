package dev.trainyard.jobs;

import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.training.RunRecord;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as stored: its effective spec, lifecycle state and the latest progress the trainer wrote.
 * {@link #requireMove} refuses a change {@link JobState} does not allow before the API tries it; the change itself is
 * a {@link JobTransition}.
 * {@code run} records what the latest start ran on (versions, device, dataset fingerprint). A job that is a trial of an
 * experiment knows which ({@code trial}); {@code stopReason} says why its experiment stopped it early.
 */
public record Job(
        UUID id,
        long seq,
        String owner,
        JobSpec spec,
        JobState state,
        long version,
        int attempt,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        boolean cancelRequested,
        Progress progress,
        JobError error,
        RunRecord run,
        Trial trial,
        String stopReason) {

    /** A job that is trial {@code number} (0-based) of an experiment. */
    public record Trial(UUID experiment, int number) {}

    /**
     * How far training got.
     *
     * @param epoch           1-based epoch in progress (or last finished)
     * @param step            optimizer steps done
     * @param imagesPerSecond images trained by the current attempt over the wall time of its steps
     * @param etaSeconds      seconds to the end when the progress was written: remaining steps at that pace, plus
     *                        one evaluation per remaining epoch once an evaluation has been timed
     */
    public record Progress(
            Integer epoch,
            Long step,
            Integer stepsPerEpoch,
            Long totalSteps,
            Double loss,
            Double learningRate,
            Double imagesPerSecond,
            Double etaSeconds) {}

    /**
     * Why a job failed.
     *
     * @param code    the stable kind of failure
     * @param message what happened and what to do, in words
     */
    public record JobError(JobErrorCode code, String message) {}

    /** @throws IllegalJobTransitionException when the lifecycle does not allow moving to {@code target} */
    public void requireMove(JobState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalJobTransitionException(id, state, target);
        }
    }
}
