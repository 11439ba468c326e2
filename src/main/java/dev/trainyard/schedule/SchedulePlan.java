package dev.trainyard.schedule;

/**
 * A schedule before the run's length is known: the trainer learns its steps per epoch only once the data is loaded.
 */
@FunctionalInterface
public interface SchedulePlan {

    /** The schedule that trains {@code epochs} epochs of {@code stepsPerEpoch} steps. */
    LearningRateSchedule over(int epochs, int stepsPerEpoch);
}
