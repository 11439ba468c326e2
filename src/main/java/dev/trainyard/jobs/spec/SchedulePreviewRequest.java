package dev.trainyard.jobs.spec;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * What to preview: a schedule over {@code epochs} epochs, with steps per epoch given directly or derived from a
 * batch size and dataset exactly as a job derives them.
 *
 * @param stepsPerEpoch steps per epoch, or leave out and give batchSize (and dataset)
 * @param batchSize     with dataset (default cifar10): steps per epoch = ceil(training images / batchSize)
 * @param maxPoints     at most this many points (2..100000, default 2000); longer schedules are thinned evenly
 */
@ConsistentPreview
@WarmupEndsBeforeLastEpoch
public record SchedulePreviewRequest(
        @Valid ScheduleSpec schedule,

        @NotNull(message = "is required") @Min(value = 1, message = EPOCHS) @Max(value = 1000, message = EPOCHS)
        Integer epochs,

        @Min(value = 1, message = STEPS) @Max(value = 1_000_000, message = STEPS)
        Integer stepsPerEpoch,

        @Min(value = 1, message = BATCH_SIZE) @Max(value = 4096, message = BATCH_SIZE)
        Integer batchSize,

        @Valid DatasetSpec dataset,

        @Min(value = 2, message = POINTS) @Max(value = 100_000, message = POINTS)
        Integer maxPoints)
        implements ScheduledRun {

    static final String EPOCHS = "must be between 1 and 1000 (was ${validatedValue})";
    static final String STEPS = "must be between 1 and 1000000 (was ${validatedValue})";
    static final String BATCH_SIZE = "must be between 1 and 4096 (was ${validatedValue})";
    static final String POINTS = "must be between 2 and 100000 (was ${validatedValue})";

    public static final int DEFAULT_MAX_POINTS = 2000;

    @Override
    public Integer epochsToSchedule() {
        return epochs;
    }
}
