package dev.trainyard.jobs;

import static dev.trainyard.jobs.JobState.CANCELLED;
import static dev.trainyard.jobs.JobState.FAILED;
import static dev.trainyard.jobs.JobState.QUEUED;
import static dev.trainyard.jobs.JobState.RUNNING;
import static dev.trainyard.jobs.JobState.STOPPED;
import static dev.trainyard.jobs.JobState.SUCCEEDED;

/**
 * Every way a job's state changes, with the columns each change sets besides {@code state} and {@code version}.
 * {@link JobRepository#move} is the only statement that writes {@code state}; each transition is checked against
 * {@link JobState}'s table when this class loads, so a move the table forbids cannot even be declared.
 */
enum JobTransition {
    /** A slot takes a queued job; the attempt counts. */
    CLAIM(QUEUED, RUNNING, "claimed_by = :claimant, attempt = attempt + 1, started_at = :now, heartbeat_at = :now"),
    /** A client cancels a job before any slot took it. */
    CANCEL_QUEUED(QUEUED, CANCELLED, "cancel_requested = true, finished_at = :now"),
    /** The holder stopped on purpose (shutdown): back to the queue without counting the attempt. */
    RELEASE(RUNNING, QUEUED, "attempt = attempt - 1, claimed_by = null, heartbeat_at = null"),
    /** The holder is gone (its lease expired, or its replica restarted): back to the queue, the attempt counts. */
    REQUEUE(RUNNING, QUEUED, "claimed_by = null, heartbeat_at = null"),
    SUCCEED(RUNNING, SUCCEEDED, Sets.END),
    FAIL(RUNNING, FAILED, Sets.END),
    /** The holder stopped at a client's cancel request. */
    CANCEL_RUNNING(RUNNING, CANCELLED, Sets.END),
    /** The holder stopped at its experiment's early-stopping request. */
    STOP(RUNNING, STOPPED, Sets.END),
    /** A client queues a failed job again; {@code trainyard.executor.max-attempts} counts from here. */
    RETRY(
            FAILED,
            QUEUED,
            "retry_base = attempt, error_code = null, error_message = null, finished_at = null, "
                    + "cancel_requested = false, claimed_by = null, heartbeat_at = null");

    final JobState from;
    final JobState to;
    /** The {@code set} list after {@code state} and {@code version}; its parameters are the move's values. */
    final String sets;

    JobTransition(JobState from, JobState to, String sets) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException(name() + ": JobState does not allow " + from + " -> " + to);
        }
        this.from = from;
        this.to = to;
        this.sets = sets;
    }

    /**
     * Whether the move is fenced by a lease: every move out of {@code RUNNING} applies only while the attempt that
     * claimed the job still holds it.
     */
    boolean leased() {
        return from == RUNNING;
    }

    /** How a running job ends in {@code end}. */
    static JobTransition ending(JobState end) {
        return switch (end) {
            case SUCCEEDED -> SUCCEED;
            case FAILED -> FAIL;
            case CANCELLED -> CANCEL_RUNNING;
            case STOPPED -> STOP;
            case QUEUED, RUNNING -> throw new IllegalArgumentException(end + " is not an end state");
        };
    }

    private static final class Sets {
        static final String END = "error_code = :code, error_message = :message, finished_at = :now, "
                + "claimed_by = null, heartbeat_at = null";
    }
}
