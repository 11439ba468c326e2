package dev.trainyard.schedule;

import dev.trainyard.data.DatasetSpec;
import dev.trainyard.system.Violations;

/**
 * What to preview: a schedule over {@code epochs} epochs, with steps per epoch given directly or derived from a
 * batch size and dataset exactly as a job derives them.
 *
 * @param stepsPerEpoch steps per epoch, or leave out and give batchSize (and dataset)
 * @param batchSize     with dataset (default cifar10): steps per epoch = ceil(training images / batchSize)
 * @param maxPoints     at most this many points (2..100000, default 2000); longer schedules are thinned evenly
 */
public record SchedulePreviewRequest(
        ScheduleSpec schedule,
        Integer epochs,
        Integer stepsPerEpoch,
        Integer batchSize,
        DatasetSpec dataset,
        Integer maxPoints) {

    static final int DEFAULT_MAX_POINTS = 2000;

    void validate(Violations violations) {
        if (epochs == null) {
            violations.add("epochs", "is required");
        }
        violations.requireRange("epochs", epochs, 1, 1000);
        if ((stepsPerEpoch == null) == (batchSize == null)) {
            violations.add("stepsPerEpoch", "give exactly one of stepsPerEpoch and batchSize");
        }
        if (stepsPerEpoch != null && dataset != null) {
            violations.add("dataset", "applies with batchSize only; steps per epoch were given directly");
        }
        violations.requireRange("stepsPerEpoch", stepsPerEpoch, 1, 1_000_000);
        violations.requireRange("batchSize", batchSize, 1, 4096);
        violations.requireRange("maxPoints", maxPoints, 2, 100_000);
        if (dataset != null) {
            dataset.validate("dataset", violations);
        }
        boolean epochsValid = epochs != null && epochs >= 1 && epochs <= 1000;
        (schedule == null ? new ScheduleSpec(null, null, null, null, null, null) : schedule)
                .validate("schedule", epochsValid ? epochs : null, violations);
    }
}
