package dev.trainyard.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A recorded event of a job's life.
 *
 * @param seq  its place among all jobs' events: every event with a lower seq committed before it
 * @param type what happened
 * @param data the event as a client receives it: a JSON object naming the job
 */
public record JobEvent(long seq, UUID jobId, String owner, Type type, String data, Instant at) {

    /** The kinds of recorded events, named as an event stream names them. */
    public enum Type {
        /** the job's state or its cancel request changed; the data is a {@link StateChange} */
        STATE("state"),
        /** an epoch finished; the data is its {@link JobMetricsRepository.EpochMetric} and the job id */
        EPOCH("epoch"),
        /** a checkpoint was recorded; the data is its {@link CheckpointView} (without {@code best}) */
        CHECKPOINT("checkpoint");

        private final String streamName;

        Type(String streamName) {
            this.streamName = streamName;
        }

        /** The name of the event in a text/event-stream. */
        public String streamName() {
            return streamName;
        }

        static Type ofStreamName(String name) {
            for (Type type : values()) {
                if (type.streamName.equals(name)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("no job event type " + name);
        }
    }

    /**
     * A state event's data.
     *
     * @param attempt         how many times the job has started
     * @param cancelRequested a running job was asked to stop
     * @param error           why a FAILED job failed
     */
    public record StateChange(
            UUID jobId, JobState state, int attempt, boolean cancelRequested, Job.JobError error, Instant at) {}
}
