package dev.trainyard.webhooks;

import dev.trainyard.jobs.CheckpointView;
import dev.trainyard.jobs.JobEvent;
import dev.trainyard.jobs.JobMetricsRepository;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * What a webhook request carries.
 *
 * @param type      {@code job.state}, {@code job.epoch} or {@code job.checkpoint}
 * @param timestamp when the event happened (the {@code webhook-timestamp} header says when this attempt was signed)
 * @param data      the event's JSON data, as the job's event stream sends it
 */
@Schema(description = "A webhook request's body")
record WebhookBody(
        @Schema(
                example = "job.state",
                allowableValues = {"job.state", "job.epoch", "job.checkpoint"})
        String type,

        Instant timestamp,

        @Schema(
                description = "job.state: the state change; job.epoch: the epoch's results and the job's id; "
                        + "job.checkpoint: the checkpoint and the job's id",
                oneOf = {JobEvent.StateChange.class, JobMetricsRepository.EpochMetric.class, CheckpointView.class})
        Object data) {}
