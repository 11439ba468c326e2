package dev.trainyard.jobs;

import dev.trainyard.training.Checkpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job event table (an outbox). A change records its event by calling one of the {@code record} methods inside
 * its transaction; the row is written when that transaction is about to commit, as its last statements, so a change
 * and its event commit together or not at all, and the lock on {@code event_clock} that numbers events is held only
 * from then to the commit. Taking that lock last also means it never waits for a lock a holder of it wants. An event
 * of a job with a webhook for its type gets its delivery row in the same statements.
 */
@Repository
public class JobEventLog {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    public JobEventLog(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** The job's state (or its cancel request) changed in the current transaction. */
    void recordStateChange(UUID jobId) {
        pending().add(new Pending(jobId, JobEvent.Type.STATE, null));
    }

    /** An epoch's result was recorded in the current transaction. */
    void recordEpoch(UUID jobId, JobMetricsRepository.EpochMetric epoch) {
        pending().add(new Pending(jobId, JobEvent.Type.EPOCH, withJobId(jobId, json.valueToTree(epoch))));
    }

    /** A checkpoint was recorded in the current transaction. */
    void recordCheckpoint(UUID jobId, Checkpoint checkpoint) {
        ObjectNode view = json.valueToTree(CheckpointView.of(checkpoint, false));
        view.remove("best");
        pending().add(new Pending(jobId, JobEvent.Type.CHECKPOINT, withJobId(jobId, view)));
    }

    /** The seq of the newest event, 0 when there is none. */
    public long head() {
        return jdbc.sql("select last_seq from event_clock where id = 1")
                .query(Long.class)
                .single();
    }

    /** Events after {@code afterSeq}, of every job, oldest first. */
    public List<JobEvent> after(long afterSeq, int limit) {
        return jdbc.sql("select seq, job_id, owner, type, data, created_at from job_events where seq > :after "
                        + "order by seq fetch first :limit rows only")
                .param("after", afterSeq)
                .param("limit", limit)
                .query(JobEventLog::event)
                .list();
    }

    /** One job's events after {@code afterSeq}, oldest first. */
    public List<JobEvent> ofJob(UUID jobId, long afterSeq, int limit) {
        return jdbc.sql("select seq, job_id, owner, type, data, created_at from job_events where job_id = :job "
                        + "and seq > :after order by seq fetch first :limit rows only")
                .param("job", jobId.toString())
                .param("after", afterSeq)
                .param("limit", limit)
                .query(JobEventLog::event)
                .list();
    }

    /** One owner's events after {@code afterSeq}, oldest first; every owner's when {@code owner} is null. */
    public List<JobEvent> ofOwner(String owner, long afterSeq, int limit) {
        return jdbc.sql(
                        "select seq, job_id, owner, type, data, created_at from job_events where "
                                + "(:owner is null or owner = :owner) and seq > :after order by seq fetch first :limit rows only")
                .param("owner", owner, java.sql.Types.VARCHAR)
                .param("after", afterSeq)
                .param("limit", limit)
                .query(JobEventLog::event)
                .list();
    }

    private ObjectNode withJobId(UUID jobId, ObjectNode data) {
        ObjectNode event = json.createObjectNode();
        event.put("jobId", jobId.toString());
        event.setAll(data);
        return event;
    }

    private record Pending(UUID jobId, JobEvent.Type type, ObjectNode data) {}

    /** The current transaction's events, written just before it commits. */
    private List<Pending> pending() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a job event is recorded in the transaction of its change");
        }
        @SuppressWarnings("unchecked")
        List<Pending> pending = (List<Pending>) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            List<Pending> events = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(this, events);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    write(events);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResource(JobEventLog.this);
                }
            });
            pending = events;
        }
        return pending;
    }

    private void write(List<Pending> events) {
        jdbc.sql("update event_clock set last_seq = last_seq + :count where id = 1")
                .param("count", events.size())
                .update();
        long seq = head() - events.size();
        Instant now = clock.instant();
        for (Pending event : events) {
            seq++;
            ObjectNode data = event.data() == null ? stateChange(event.jobId(), now) : event.data();
            if (data == null) {
                continue;
            }
            jdbc.sql("insert into job_events (seq, job_id, owner, type, data, created_at) "
                            + "select :seq, id, owner, :type, :data, :at from jobs where id = :job")
                    .param("seq", seq)
                    .param("type", event.type().streamName())
                    .param("data", json.writeValueAsString(data))
                    .param("at", now.atOffset(ZoneOffset.UTC))
                    .param("job", event.jobId().toString())
                    .update();
            jdbc.sql("insert into webhook_deliveries (id, job_id, event_seq, url, status, attempts, next_attempt_at, "
                            + "created_at) select :delivery, id, :seq, notify_url, 'PENDING', 0, :at, :at from jobs "
                            + "where id = :job and notify_events like :type")
                    .param("delivery", UUID.randomUUID().toString())
                    .param("seq", seq)
                    .param("at", now.atOffset(ZoneOffset.UTC))
                    .param("job", event.jobId().toString())
                    .param("type", "%," + event.type().streamName() + ",%")
                    .update();
        }
    }

    /** The job's state as this transaction leaves it, or null when it deleted the job. */
    private ObjectNode stateChange(UUID jobId, Instant now) {
        return jdbc.sql("select state, attempt, cancel_requested, error_code, error_message from jobs where id = :id")
                .param("id", jobId.toString())
                .query((rs, row) -> {
                    String code = rs.getString("error_code");
                    JobEvent.StateChange change = new JobEvent.StateChange(
                            jobId,
                            JobState.valueOf(rs.getString("state")),
                            rs.getInt("attempt"),
                            rs.getBoolean("cancel_requested"),
                            code == null
                                    ? null
                                    : new Job.JobError(JobErrorCode.of(code), rs.getString("error_message")),
                            now);
                    return (ObjectNode) json.valueToTree(change);
                })
                .optional()
                .orElse(null);
    }

    private static JobEvent event(ResultSet rs, int row) throws SQLException {
        return new JobEvent(
                rs.getLong("seq"),
                UUID.fromString(rs.getString("job_id")),
                rs.getString("owner"),
                JobEvent.Type.ofStreamName(rs.getString("type")),
                rs.getString("data"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
