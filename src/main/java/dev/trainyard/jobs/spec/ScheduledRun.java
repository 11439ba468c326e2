package dev.trainyard.jobs.spec;

/** A request that runs a schedule over a number of epochs: a job, or a preview of one. */
public interface ScheduledRun {

    /** The schedule as sent; null takes the default schedule. */
    ScheduleSpec schedule();

    /** The run's epochs with their default filled in; null when the request gives none and has no default. */
    Integer epochsToSchedule();
}
