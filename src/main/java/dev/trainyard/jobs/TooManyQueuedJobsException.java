package dev.trainyard.jobs;

import dev.trainyard.system.TooManyRequestsException;

/** The caller already has as many queued jobs as allowed; answered 429 with Retry-After, nothing is stored. */
public class TooManyQueuedJobsException extends TooManyRequestsException {

    private static final long RETRY_AFTER_SECONDS = 60;

    public TooManyQueuedJobsException(int limit) {
        super("You have " + limit + " queued jobs, the most allowed (trainyard.jobs.max-queued-per-owner); submit "
                + "again when some have started, or cancel some");
    }

    @Override
    public long retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }
}
