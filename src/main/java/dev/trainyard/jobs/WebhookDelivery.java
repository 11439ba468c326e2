package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to a job's webhook, as {@code GET /jobs/{id}} shows it.
 *
 * @param id            the {@code webhook-id} header of every attempt, so a receiver can drop repeats
 * @param event         the event type: state, epoch or checkpoint
 * @param eventSeq      the event's id in the job's event stream
 * @param attempts      requests made so far
 * @param lastStatus    the HTTP status of the latest attempt, when the receiver answered
 * @param lastError     why the latest attempt failed
 * @param nextAttemptAt when a PENDING delivery is tried next
 * @param finishedAt    when it was DELIVERED or gave up (FAILED)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookDelivery(
        UUID id,
        String event,
        long eventSeq,
        Status status,
        int attempts,
        Integer lastStatus,
        String lastError,
        Instant nextAttemptAt,
        Instant finishedAt) {

    /** Where a delivery stands. */
    public enum Status {
        /** not yet answered with a 2xx; tried again at nextAttemptAt */
        PENDING,
        /** the receiver answered 2xx */
        DELIVERED,
        /** given up: out of attempts, the receiver answered 410 Gone, or its address is not allowed */
        FAILED
    }

    /**
     * A due delivery with what its request carries, for a sender.
     *
     * @param attempts requests made before this one
     * @param data     the event's JSON, as the job's event stream sends it
     */
    public record Message(
            UUID id, UUID jobId, String owner, String url, int attempts, String event, String data, Instant at) {}
}
