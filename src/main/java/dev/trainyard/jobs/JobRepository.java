package dev.trainyard.jobs;

import static dev.trainyard.system.SqlTimes.instant;
import static dev.trainyard.system.SqlTimes.timestamp;

import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.jobs.spec.NotifySpec;
import dev.trainyard.training.RunRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job table. Every state change is one {@link JobTransition} made by {@link #move}: a compare-and-set on the
 * current state (and on the lease, for a running job) that bumps {@code version}, so two writers can never both move
 * the same job, and records its state event in the same transaction. The same SQL runs on H2 and PostgreSQL.
 */
@Repository
public class JobRepository {

    private static final String COLUMNS = "id, seq, owner, spec, state, version, attempt, submitted_at, started_at, "
            + "finished_at, cancel_requested, epoch, step, steps_per_epoch, total_steps, last_loss, last_lr, "
            + "images_per_second, eta_seconds, error_code, error_message, run_record, experiment_id, trial, stop_reason";

    /** The fence of every write a worker makes for a running job: only the attempt that claimed it may write. */
    private static final String HELD = "id = :id and attempt = :attempt and state = 'RUNNING'";

    /** The SQL list of the end states, for the statements that touch only finished jobs. */
    private static final String FINISHED = JobState.FINISHED.stream()
            .map(state -> "'" + state.name() + "'")
            .sorted()
            .collect(Collectors.joining(", "));

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final JobEventLog events;

    public JobRepository(JdbcClient jdbc, JsonMapper json, JobEventLog events) {
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
    }

    @Transactional
    public void insert(UUID id, String owner, JobSpec spec, Instant submittedAt) {
        insert(id, owner, spec, submittedAt, null);
    }

    /**
     * @param trial the experiment trial this job runs, or null; a trial is stored once, so a second insert of the
     *              same trial fails with a duplicate key
     */
    @Transactional
    public void insert(UUID id, String owner, JobSpec spec, Instant submittedAt, Job.Trial trial) {
        jdbc.sql("insert into jobs (id, owner, spec, state, priority, submitted_at, notify_url, notify_events, "
                        + "experiment_id, trial) values (:id, :owner, :spec, 'QUEUED', :priority, :submittedAt, "
                        + ":notifyUrl, :notifyEvents, :experiment, :trial)")
                .param("id", id.toString())
                .param("experiment", trial == null ? null : trial.experiment().toString(), Types.VARCHAR)
                .param("trial", trial == null ? null : trial.number(), Types.INTEGER)
                .param(
                        "notifyUrl",
                        spec.webhook() == null ? null : spec.webhook().url(),
                        Types.VARCHAR)
                .param("notifyEvents", spec.webhook() == null ? null : notifyEvents(spec.webhook()), Types.VARCHAR)
                .param("owner", owner)
                .param("spec", json.writeValueAsString(spec))
                .param("priority", spec.priority())
                .param("submittedAt", timestamp(submittedAt))
                .update();
        events.recordStateChange(id);
    }

    /** The webhook's event types as JobEventLog matches them: {@code ,state,epoch,}. */
    private static String notifyEvents(NotifySpec notify) {
        return notify.events().stream().map(event -> event + ",").collect(Collectors.joining("", ",", ""));
    }

    public Optional<Job> findById(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from jobs where id = :id")
                .param("id", id.toString())
                .query(this::map)
                .optional();
    }

    /** The jobs of these ids that exist. */
    public List<Job> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + " from jobs where id in (:ids)")
                .param("ids", ids.stream().map(UUID::toString).toList())
                .query(this::map)
                .list();
    }

    /** Every running job. */
    public List<Job> findRunning() {
        return jdbc.sql("select " + COLUMNS + " from jobs where state = 'RUNNING' order by seq")
                .query(this::map)
                .list();
    }

    /**
     * A page of jobs, newest first.
     *
     * @param owner    only this owner's jobs, or everyone's when null
     * @param state    only jobs in this state, or all when null
     * @param beforeSeq only jobs submitted before this sequence number (the cursor), or from the newest when null
     */
    public List<Job> findPage(String owner, JobState state, Long beforeSeq, int limit) {
        return jdbc.sql("select " + COLUMNS + " from jobs where (:owner is null or owner = :owner) "
                        + "and (:state is null or state = :state) and (:before is null or seq < :before) "
                        + "order by seq desc fetch first :limit rows only")
                .param("owner", owner, java.sql.Types.VARCHAR)
                .param("state", state == null ? null : state.name(), java.sql.Types.VARCHAR)
                .param("before", beforeSeq, java.sql.Types.BIGINT)
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    /** 1 for the job that runs next, counting jobs of higher priority or submitted earlier at equal priority. */
    public long queuePosition(Job job) {
        return 1
                + jdbc.sql("select count(*) from jobs where state = 'QUEUED' and (priority > :priority "
                                + "or (priority = :priority and seq < :seq))")
                        .param("priority", job.spec().priority())
                        .param("seq", job.seq())
                        .query(Long.class)
                        .single();
    }

    /** The queue positions of those of {@code ids} that are queued, by one ranking of the whole queue. */
    public Map<UUID, Long> queuePositions(List<UUID> ids) {
        Map<UUID, Long> positions = new HashMap<>();
        jdbc.sql("select id, position from (select id, row_number() over (order by priority desc, seq) as position "
                        + "from jobs where state = 'QUEUED') queue where id in (:ids)")
                .param("ids", ids.stream().map(UUID::toString).toList())
                .query((rs, row) -> positions.put(UUID.fromString(rs.getString(1)), rs.getLong(2)))
                .list();
        return positions;
    }

    public long countQueued(String owner) {
        return jdbc.sql("select count(*) from jobs where state = 'QUEUED' and owner = :owner")
                .param("owner", owner)
                .query(Long.class)
                .single();
    }

    public long countByState(JobState state) {
        return jdbc.sql("select count(*) from jobs where state = :state")
                .param("state", state.name())
                .query(Long.class)
                .single();
    }

    /**
     * Takes the next queued job for {@code claimant}: highest priority, then oldest. Concurrent claimants skip
     * rows another transaction holds, so each job is claimed once.
     */
    @Transactional
    public Optional<Job> claimNext(String claimant, Instant now) {
        Optional<String> next = jdbc.sql("select id from jobs where state = 'QUEUED' "
                        + "order by priority desc, seq fetch first 1 rows only for update skip locked")
                .query(String.class)
                .optional();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        UUID id = UUID.fromString(next.get());
        return move(JobTransition.CLAIM, id, Map.of("claimant", claimant, "now", timestamp(now)))
                ? findById(id)
                : Optional.empty();
    }

    /** QUEUED to CANCELLED, if the job is queued at this moment. */
    @Transactional
    public boolean cancelQueued(UUID id, Instant now) {
        return move(JobTransition.CANCEL_QUEUED, id, Map.of("now", timestamp(now)));
    }

    /**
     * Records a cancel request, if the job is running at this moment; the slot running it stops before its next
     * step, and a job that goes back to the queue first is cancelled when it is claimed.
     */
    @Transactional
    public boolean requestCancel(UUID id) {
        return recorded(
                id,
                jdbc.sql("update jobs set cancel_requested = true, version = version + 1 "
                                        + "where id = :id and state = 'RUNNING'")
                                .param("id", id.toString())
                                .update()
                        == 1);
    }

    /**
     * Records why an experiment stops this job early, if it is running and no cancel was requested: the slot
     * running it stops before its next step and ends it STOPPED.
     */
    @Transactional
    public boolean requestStop(UUID id, String reason) {
        return recorded(
                id,
                jdbc.sql("update jobs set stop_reason = :reason, version = version + 1 "
                                        + "where id = :id and state = 'RUNNING' and stop_reason is null "
                                        + "and cancel_requested = false")
                                .param("id", id.toString())
                                .param("reason", truncate(reason, 500))
                                .update()
                        == 1);
    }

    /** RUNNING back to QUEUED without counting the attempt, for a job its holder stopped on purpose. */
    @Transactional
    public boolean release(Lease lease) {
        return move(JobTransition.RELEASE, lease, Map.of());
    }

    /** Ends the run of {@code lease} in {@code to}, if that attempt still holds the job. */
    @Transactional
    public boolean finish(Lease lease, JobState to, Job.JobError error, Instant now) {
        Map<String, Object> values = new HashMap<>();
        values.put("code", error == null ? null : error.code().code());
        values.put("message", error == null ? null : truncate(error.message(), 4000));
        values.put("now", timestamp(now));
        return move(JobTransition.ending(to), lease, values);
    }

    /**
     * Locks the job's row until the current transaction ends, if {@code lease} still holds the job: the writes that
     * follow in the transaction cannot interleave with a takeover.
     */
    public boolean lockIfHeld(Lease lease) {
        return held(jdbc.sql("select id from jobs where " + HELD + " for update"), lease)
                .query(String.class)
                .optional()
                .isPresent();
    }

    /**
     * Renews the lease. Not a change a client sees, so the version stays.
     *
     * @return whether {@code lease} still holds the job
     */
    public boolean renew(Lease lease, Instant now) {
        return held(jdbc.sql("update jobs set heartbeat_at = :now where " + HELD), lease)
                        .param("now", timestamp(now))
                        .update()
                == 1;
    }

    /**
     * A running job whose holder is gone.
     *
     * @param attempts the attempts it has had since it was submitted or last retried
     */
    public record Abandoned(Lease lease, int attempts) {}

    /** Running jobs whose lease was last renewed before {@code cutoff}, or that have none. */
    public List<Abandoned> findExpired(Instant cutoff) {
        return jdbc.sql("select id, attempt, retry_base from jobs where state = 'RUNNING' "
                        + "and (heartbeat_at is null or heartbeat_at < :cutoff) order by seq")
                .param("cutoff", timestamp(cutoff))
                .query(JobRepository::abandoned)
                .list();
    }

    /** Running jobs held by a claimant whose name starts with {@code claimantPrefix}. */
    public List<Abandoned> findClaimedBy(String claimantPrefix) {
        return jdbc.sql("select id, attempt, retry_base from jobs where state = 'RUNNING' "
                        + "and left(claimed_by, :length) = :claimant order by seq")
                .param("length", claimantPrefix.length())
                .param("claimant", claimantPrefix)
                .query(JobRepository::abandoned)
                .list();
    }

    private static Abandoned abandoned(ResultSet rs, int row) throws SQLException {
        int attempt = rs.getInt("attempt");
        return new Abandoned(
                new Lease(UUID.fromString(rs.getString("id")), attempt), attempt - rs.getInt("retry_base"));
    }

    /**
     * FAILED back to QUEUED: the error is cleared, and {@code trainyard.executor.max-attempts} counts from here.
     *
     * @return false when the job has not FAILED (now)
     */
    @Transactional
    public boolean retry(UUID id) {
        return move(JobTransition.RETRY, id, Map.of());
    }

    /**
     * Deletes a finished job and, with it (by the foreign keys), its steps, epochs, checkpoints and idempotency keys,
     * in one statement.
     *
     * @return false when the job does not exist or has not finished (now)
     */
    public boolean deleteFinished(UUID id) {
        return jdbc.sql("delete from jobs where id = :id and state in (" + FINISHED + ")")
                        .param("id", id.toString())
                        .update()
                == 1;
    }

    /** Jobs outside experiments that finished before {@code cutoff}, oldest first; trials go with their experiment. */
    public List<UUID> findFinishedBefore(Instant cutoff) {
        return jdbc.sql("select id from jobs where state in (" + FINISHED + ") and experiment_id is null "
                        + "and finished_at < :cutoff order by finished_at")
                .param("cutoff", timestamp(cutoff))
                .query((rs, row) -> UUID.fromString(rs.getString("id")))
                .list();
    }

    /** Whether a job with this id exists. */
    public boolean exists(UUID id) {
        return jdbc.sql("select count(*) from jobs where id = :id")
                        .param("id", id.toString())
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Puts a job whose holder is gone back in the queue (the attempt counts), if {@code lease} still holds it. */
    @Transactional
    public boolean requeue(Lease lease) {
        return move(JobTransition.REQUEUE, lease, Map.of());
    }

    public boolean updatePlan(Lease lease, int stepsPerEpoch, long totalSteps, long step, int epoch, RunRecord record) {
        return held(
                                jdbc.sql("update jobs set steps_per_epoch = :stepsPerEpoch, total_steps = :totalSteps, "
                                        + "epoch = :epoch, step = :step, run_record = :record, version = version + 1 where "
                                        + HELD),
                                lease)
                        .param(
                                "record",
                                record == null ? null : json.writeValueAsString(record),
                                java.sql.Types.VARCHAR)
                        .param("stepsPerEpoch", stepsPerEpoch)
                        .param("totalSteps", totalSteps)
                        .param("epoch", epoch)
                        .param("step", step)
                        .update()
                == 1;
    }

    /** A new version for a change held in another table (an epoch's results). */
    public boolean touch(Lease lease) {
        return held(jdbc.sql("update jobs set version = version + 1 where " + HELD), lease)
                        .update()
                == 1;
    }

    /** The latest progress; writing it renews the lease too. */
    public boolean updateProgress(Lease lease, Job.Progress progress, Instant now) {
        return held(
                                jdbc.sql(
                                        "update jobs set epoch = :epoch, step = :step, last_loss = :loss, last_lr = :lr, "
                                                + "images_per_second = :ips, eta_seconds = :eta, heartbeat_at = :now, version = version + 1 "
                                                + "where " + HELD),
                                lease)
                        .param("epoch", progress.epoch())
                        .param("step", progress.step())
                        .param("loss", progress.loss())
                        .param("lr", progress.learningRate())
                        .param("ips", progress.imagesPerSecond())
                        .param("eta", progress.etaSeconds(), java.sql.Types.DOUBLE)
                        .param("now", timestamp(now))
                        .update()
                == 1;
    }

    /** A move of a job that no lease holds (queued or failed): applies only if the job is in the move's start state. */
    private boolean move(JobTransition move, UUID id, Map<String, ?> values) {
        if (move.leased()) {
            throw new IllegalArgumentException(move + " is fenced by a lease");
        }
        return recorded(
                id,
                moveStatement(move, "id = :id and state = :from", values)
                                .param("id", id.toString())
                                .param("from", move.from.name())
                                .update()
                        == 1);
    }

    /** A move of a running job: applies only while {@code lease} holds it. */
    private boolean move(JobTransition move, Lease lease, Map<String, ?> values) {
        if (!move.leased()) {
            throw new IllegalArgumentException(move + " is not made by a lease holder");
        }
        return recorded(
                lease.jobId(), held(moveStatement(move, HELD, values), lease).update() == 1);
    }

    /** Records a state event for a change that was made. */
    private boolean recorded(UUID id, boolean changed) {
        if (changed) {
            events.recordStateChange(id);
        }
        return changed;
    }

    private JdbcClient.StatementSpec moveStatement(JobTransition move, String fence, Map<String, ?> values) {
        JdbcClient.StatementSpec statement = jdbc.sql(
                        "update jobs set state = :to, version = version + 1, " + move.sets + " where " + fence)
                .param("to", move.to.name());
        // why: a null needs a declared type on PostgreSQL; the move's nullable values are all text.
        values.forEach((name, value) -> {
            if (value == null) {
                statement.param(name, null, Types.VARCHAR);
            } else {
                statement.param(name, value);
            }
        });
        return statement;
    }

    private static JdbcClient.StatementSpec held(JdbcClient.StatementSpec statement, Lease lease) {
        return statement.param("id", lease.jobId().toString()).param("attempt", lease.attempt());
    }

    private Job map(ResultSet rs, int row) throws SQLException {
        String errorCode = rs.getString("error_code");
        return new Job(
                UUID.fromString(rs.getString("id")),
                rs.getLong("seq"),
                rs.getString("owner"),
                json.readValue(rs.getString("spec"), JobSpec.class),
                JobState.valueOf(rs.getString("state")),
                rs.getLong("version"),
                rs.getInt("attempt"),
                instant(rs, "submitted_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getBoolean("cancel_requested"),
                new Job.Progress(
                        rs.getObject("epoch", Integer.class),
                        rs.getObject("step", Long.class),
                        rs.getObject("steps_per_epoch", Integer.class),
                        rs.getObject("total_steps", Long.class),
                        rs.getObject("last_loss", Double.class),
                        rs.getObject("last_lr", Double.class),
                        rs.getObject("images_per_second", Double.class),
                        rs.getObject("eta_seconds", Double.class)),
                errorCode == null ? null : new Job.JobError(JobErrorCode.of(errorCode), rs.getString("error_message")),
                rs.getString("run_record") == null ? null : json.readValue(rs.getString("run_record"), RunRecord.class),
                rs.getString("experiment_id") == null
                        ? null
                        : new Job.Trial(UUID.fromString(rs.getString("experiment_id")), rs.getInt("trial")),
                rs.getString("stop_reason"));
    }

    private static String truncate(String message, int length) {
        return message == null || message.length() <= length ? message : message.substring(0, length - 3) + "...";
    }
}
