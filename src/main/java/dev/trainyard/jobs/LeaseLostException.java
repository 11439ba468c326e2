package dev.trainyard.jobs;

/** A worker tried to write for a job that another attempt now holds (or that ended); nothing was written. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(Lease lease) {
        super("job " + lease.jobId() + " is no longer held by attempt " + lease.attempt());
    }
}
