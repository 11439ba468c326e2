package dev.trainyard.events;

import dev.trainyard.jobs.JobSnapshot;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A long poll waiting for a job: answered with the job as soon as {@code until} holds, or with its state at the
 * deadline.
 */
record JobWait(
        UUID jobId,
        String owner,
        Predicate<JobSnapshot> until,
        Instant deadline,
        CompletableFuture<JobSnapshot> answer) {}
