package dev.trainyard.experiments;

import static dev.trainyard.system.SqlTimes.instant;
import static dev.trainyard.system.SqlTimes.timestamp;

import dev.trainyard.jobs.JobState;
import dev.trainyard.jobs.spec.JobSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The experiment and trial tables; a trial's job state and results are read from the job tables. */
@Repository
class ExperimentRepository {

    private static final String COLUMNS = "id, seq, owner, spec, state, submitted_at, finished_at";
    private static final TypeReference<LinkedHashMap<String, JsonNode>> PARAMETERS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ExperimentRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores the experiment RUNNING with its trials, none launched; call in the transaction that launches the first. */
    void insert(UUID id, String owner, ExperimentSpec spec, List<Trial> trials, Instant now) {
        jdbc.sql("insert into experiments (id, owner, name, spec, state, submitted_at) "
                        + "values (:id, :owner, :name, :spec, 'RUNNING', :now)")
                .param("id", id.toString())
                .param("owner", owner)
                .param("name", spec.name())
                .param("spec", json.writeValueAsString(spec))
                .param("now", timestamp(now))
                .update();
        for (Trial trial : trials) {
            jdbc.sql("insert into experiment_trials (experiment_id, trial, parameters, spec) "
                            + "values (:id, :trial, :parameters, :spec)")
                    .param("id", id.toString())
                    .param("trial", trial.number())
                    .param("parameters", json.writeValueAsString(trial.parameters()))
                    .param("spec", json.writeValueAsString(trial.spec()))
                    .update();
        }
    }

    Optional<Experiment> findById(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from experiments where id = :id")
                .param("id", id.toString())
                .query(this::experiment)
                .optional();
    }

    /** The running experiment, its row locked until the transaction ends; empty when it is not running. */
    Optional<Experiment> lockRunning(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from experiments where id = :id and state = 'RUNNING' for update")
                .param("id", id.toString())
                .query(this::experiment)
                .optional();
    }

    /** The experiment in any state, its row locked until the transaction ends. */
    Optional<Experiment> lock(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from experiments where id = :id for update")
                .param("id", id.toString())
                .query(this::experiment)
                .optional();
    }

    /** The jobs its trials became, including any whose trial row no longer names them. */
    List<UUID> jobIds(UUID experimentId) {
        return jdbc.sql("select id from jobs where experiment_id = :id")
                .param("id", experimentId.toString())
                .query((rs, row) -> UUID.fromString(rs.getString(1)))
                .list();
    }

    /** Deletes the experiment with its trials and keys (their rows cascade); its jobs must be gone first. */
    void delete(UUID id) {
        jdbc.sql("delete from experiments where id = :id")
                .param("id", id.toString())
                .update();
    }

    /** Finished experiments that ended before {@code cutoff}, oldest first. */
    List<UUID> findFinishedBefore(Instant cutoff) {
        return jdbc.sql("select id from experiments where state <> 'RUNNING' and finished_at < :cutoff "
                        + "order by finished_at")
                .param("cutoff", timestamp(cutoff))
                .query((rs, row) -> UUID.fromString(rs.getString(1)))
                .list();
    }

    /** A page of experiments, newest first; every owner's when {@code owner} is null. */
    List<Experiment> findPage(String owner, Long beforeSeq, int limit) {
        return jdbc.sql("select " + COLUMNS + " from experiments where (:owner is null or owner = :owner) "
                        + "and (:before is null or seq < :before) order by seq desc fetch first :limit rows only")
                .param("owner", owner, Types.VARCHAR)
                .param("before", beforeSeq, Types.BIGINT)
                .param("limit", limit)
                .query(this::experiment)
                .list();
    }

    List<UUID> findRunningIds() {
        return jdbc.sql("select id from experiments where state = 'RUNNING' order by seq")
                .query((rs, row) -> UUID.fromString(rs.getString(1)))
                .list();
    }

    /** The experiment's trials in order, with their jobs' states. */
    List<Trial> trials(UUID experimentId) {
        return jdbc.sql("select t.trial, t.parameters, t.spec, t.job_id, t.launched_at, t.stop_reason, j.state "
                        + "from experiment_trials t left join jobs j on j.id = t.job_id "
                        + "where t.experiment_id = :id order by t.trial")
                .param("id", experimentId.toString())
                .query(this::trial)
                .list();
    }

    /** Marks the trial launched as {@code jobId}, if it was not yet: false when another launch got there first. */
    boolean markLaunched(UUID experimentId, int trial, UUID jobId, Instant now) {
        return jdbc.sql("update experiment_trials set job_id = :job, launched_at = :now "
                                + "where experiment_id = :id and trial = :trial and launched_at is null")
                        .param("job", jobId.toString())
                        .param("now", timestamp(now))
                        .param("id", experimentId.toString())
                        .param("trial", trial)
                        .update()
                == 1;
    }

    void recordStop(UUID experimentId, int trial, String reason) {
        jdbc.sql("update experiment_trials set stop_reason = :reason where experiment_id = :id and trial = :trial")
                .param("reason", reason.length() <= 500 ? reason : reason.substring(0, 497) + "...")
                .param("id", experimentId.toString())
                .param("trial", trial)
                .update();
    }

    /** Ends a running experiment in {@code state}; false when it was not running. */
    boolean finish(UUID id, ExperimentState state, Instant now) {
        return jdbc.sql(
                                "update experiments set state = :state, finished_at = :now where id = :id and state = 'RUNNING'")
                        .param("state", state.name())
                        .param("now", timestamp(now))
                        .param("id", id.toString())
                        .update()
                == 1;
    }

    long countRunning(String owner) {
        return jdbc.sql("select count(*) from experiments where state = 'RUNNING' and owner = :owner")
                .param("owner", owner)
                .query(Long.class)
                .single();
    }

    long countByState(ExperimentState state) {
        return jdbc.sql("select count(*) from experiments where state = :state")
                .param("state", state.name())
                .query(Long.class)
                .single();
    }

    /** Trials of running experiments by their job's state; a trial without a job yet counts as PENDING. */
    Map<String, Long> countRunningTrials() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select coalesce(j.state, 'PENDING'), count(*) from experiments e "
                        + "join experiment_trials t on t.experiment_id = e.id left join jobs j on j.id = t.job_id "
                        + "where e.state = 'RUNNING' group by coalesce(j.state, 'PENDING')")
                .query((rs, row) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        return counts;
    }

    /** One recorded epoch of a trial's job. */
    record TrialEpoch(int trial, int epoch, double trainLoss, Double validationLoss, Double validationAccuracy) {}

    /** Every recorded epoch of the experiment's trials, by trial then epoch. */
    List<TrialEpoch> epochs(UUID experimentId) {
        return jdbc.sql("select t.trial, e.epoch, e.train_loss, e.validation_loss, e.validation_accuracy "
                        + "from experiment_trials t join job_epochs e on e.job_id = t.job_id "
                        + "where t.experiment_id = :id order by t.trial, e.epoch")
                .param("id", experimentId.toString())
                .query((rs, row) -> new TrialEpoch(
                        rs.getInt(1),
                        rs.getInt(2),
                        rs.getDouble(3),
                        rs.getObject(4, Double.class),
                        rs.getObject(5, Double.class)))
                .list();
    }

    private Experiment experiment(ResultSet rs, int row) throws SQLException {
        return new Experiment(
                UUID.fromString(rs.getString("id")),
                rs.getLong("seq"),
                rs.getString("owner"),
                json.readValue(rs.getString("spec"), ExperimentSpec.class),
                ExperimentState.valueOf(rs.getString("state")),
                instant(rs, "submitted_at"),
                instant(rs, "finished_at"));
    }

    private Trial trial(ResultSet rs, int row) throws SQLException {
        String jobId = rs.getString("job_id");
        String state = rs.getString("state");
        return new Trial(
                rs.getInt("trial"),
                json.readValue(rs.getString("parameters"), PARAMETERS),
                json.readValue(rs.getString("spec"), JobSpec.class),
                jobId == null ? null : UUID.fromString(jobId),
                instant(rs, "launched_at"),
                state == null ? null : JobState.valueOf(state),
                rs.getString("stop_reason"));
    }
}
