package dev.trainyard.jobs;

import java.util.UUID;

/**
 * One attempt's hold on a running job. Every write a worker makes for the job names its lease, and the database
 * applies it only while that attempt still holds the job: a worker whose lease was taken over changes nothing.
 */
public record Lease(UUID jobId, int attempt) {

    public static Lease of(Job claimed) {
        return new Lease(claimed.id(), claimed.attempt());
    }
}
