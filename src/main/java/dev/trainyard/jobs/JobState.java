package dev.trainyard.jobs;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a job is in its life. The allowed changes are {@link #ALLOWED}; everything else is refused. */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Ended early by its experiment's early-stopping rule; keeps its checkpoints and results. */
    STOPPED;

    /** Every allowed state change, in one place. A failed job may be retried (it resumes from its checkpoint). */
    static final Map<JobState, Set<JobState>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, STOPPED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobState.class),
            FAILED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.noneOf(JobState.class),
            STOPPED, EnumSet.noneOf(JobState.class));

    /** The end states: nothing trains a job in them, and it may be deleted. */
    public static final Set<JobState> FINISHED = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, STOPPED);

    public boolean canMoveTo(JobState target) {
        return ALLOWED.get(this).contains(target);
    }

    public boolean isFinished() {
        return FINISHED.contains(this);
    }
}
