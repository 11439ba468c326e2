package dev.trainyard.experiments;

import dev.trainyard.jobs.JobState;
import dev.trainyard.jobs.spec.JobSpec;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One trial as stored, with its job's state when it has one.
 *
 * @param number     0-based, in sampling order
 * @param parameters the values the search set, by spec path
 * @param spec       the effective job spec the trial runs
 * @param jobId      its job, once launched (null again if the job was deleted)
 * @param launchedAt when its job was created; null while it waits for a free place
 * @param jobState   its job's state, or null without a job
 * @param stopReason why early stopping stopped it
 */
record Trial(
        int number,
        Map<String, JsonNode> parameters,
        JobSpec spec,
        UUID jobId,
        Instant launchedAt,
        JobState jobState,
        String stopReason) {

    boolean active() {
        return jobState == JobState.QUEUED || jobState == JobState.RUNNING;
    }
}
