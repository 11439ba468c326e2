package dev.trainyard.jobs;

import java.util.List;

/**
 * A job and its place in the queue as of one read: what {@code GET /jobs/{id}} shows and what its ETag names.
 *
 * @param queuePosition 1 for the job that runs next; only while QUEUED
 * @param waitingFor    why no queued job starts now; only while QUEUED
 */
public record JobSnapshot(Job job, Long queuePosition, String waitingFor) {

    /** Changes whenever the job or its place in the queue does. */
    public String etag() {
        return "\"" + job.version() + (queuePosition == null ? "" : "-" + queuePosition)
                + (waitingFor == null ? "" : "-waiting") + "\"";
    }

    /** The job as a list shows it: without its epochs and deliveries. */
    public JobView summary() {
        return JobView.of(job, queuePosition, waitingFor, null, null, null);
    }

    JobView view(List<JobMetricsRepository.EpochMetric> epochs, List<WebhookDelivery> deliveries) {
        return JobView.of(
                job,
                queuePosition,
                waitingFor,
                epochs,
                epochs.isEmpty() ? null : epochs.get(epochs.size() - 1),
                deliveries);
    }
}
