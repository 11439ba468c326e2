package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.training.Checkpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Per-step and per-epoch training results of jobs, and the checkpoints they resume from. */
@Repository
public class JobMetricsRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public JobMetricsRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /**
     * One optimizer step's result.
     *
     * @param learningRate the rate DL4J's updater applied in this step
     */
    public record StepMetric(long step, int epoch, double loss, double learningRate) {}

    /**
     * One finished epoch's result; {@code epoch} is 1-based. Validation and test results are absent when the job
     * has no validation split or no test set.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EpochMetric(
            int epoch,
            double trainLoss,
            Double validationLoss,
            Double validationAccuracy,
            Double testLoss,
            Double testAccuracy,
            double seconds) {}

    /**
     * Records steps, replacing what an earlier attempt recorded for the same steps: a run resumed from a checkpoint
     * trains them again, and until it has, the earlier attempt's record of them stays.
     */
    public void upsertSteps(UUID jobId, List<StepMetric> steps) {
        if (steps.isEmpty()) {
            return;
        }
        jdbc.sql("delete from job_steps where job_id = :job and step between :first and :last")
                .param("job", jobId.toString())
                .param("first", steps.get(0).step())
                .param("last", steps.get(steps.size() - 1).step())
                .update();
        batch.batchUpdate(
                "insert into job_steps (job_id, step, epoch, loss, learning_rate) values (?, ?, ?, ?, ?)",
                steps.stream()
                        .map(step -> new Object[] {
                            jobId.toString(), step.step(), step.epoch(), step.loss(), step.learningRate()
                        })
                        .toList());
    }

    /** Records an epoch's result, replacing one an earlier attempt recorded for it. */
    public void upsertEpoch(UUID jobId, EpochMetric epoch) {
        jdbc.sql("delete from job_epochs where job_id = :job and epoch = :epoch")
                .param("job", jobId.toString())
                .param("epoch", epoch.epoch())
                .update();
        jdbc.sql("insert into job_epochs (job_id, epoch, train_loss, validation_loss, validation_accuracy, test_loss, "
                        + "test_accuracy, seconds) values (:job, :epoch, :trainLoss, :validationLoss, "
                        + ":validationAccuracy, :testLoss, :testAccuracy, :seconds)")
                .param("job", jobId.toString())
                .param("epoch", epoch.epoch())
                .param("trainLoss", epoch.trainLoss())
                .param("validationLoss", epoch.validationLoss(), Types.DOUBLE)
                .param("validationAccuracy", epoch.validationAccuracy(), Types.DOUBLE)
                .param("testLoss", epoch.testLoss(), Types.DOUBLE)
                .param("testAccuracy", epoch.testAccuracy(), Types.DOUBLE)
                .param("seconds", epoch.seconds())
                .update();
    }

    /** Records a checkpoint whose file is complete, replacing a record of the same step. */
    public void upsertCheckpoint(UUID jobId, Checkpoint checkpoint) {
        deleteCheckpoint(jobId, checkpoint);
        jdbc.sql("insert into job_checkpoints (job_id, step, epoch, batch, epoch_loss_sum, validation_accuracy, file, "
                        + "size_bytes, sha256, created_at) values (:job, :step, :epoch, :batch, :lossSum, :accuracy, "
                        + ":file, :size, :sha256, :createdAt)")
                .param("job", jobId.toString())
                .param("step", checkpoint.step())
                .param("epoch", checkpoint.epoch())
                .param("batch", checkpoint.batch())
                .param("lossSum", checkpoint.epochLossSum())
                .param("accuracy", checkpoint.validationAccuracy(), Types.DOUBLE)
                .param("file", checkpoint.file())
                .param("size", checkpoint.sizeBytes())
                .param("sha256", checkpoint.sha256())
                .param("createdAt", checkpoint.createdAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    public void deleteCheckpoint(UUID jobId, Checkpoint checkpoint) {
        jdbc.sql("delete from job_checkpoints where job_id = :job and step = :step")
                .param("job", jobId.toString())
                .param("step", checkpoint.step())
                .update();
    }

    /** A job's checkpoints, oldest first. */
    public List<Checkpoint> findCheckpoints(UUID jobId) {
        return jdbc.sql("select file, epoch, batch, step, epoch_loss_sum, validation_accuracy, size_bytes, sha256, "
                        + "created_at from job_checkpoints where job_id = :job order by step")
                .param("job", jobId.toString())
                .query((rs, row) -> new Checkpoint(
                        rs.getString("file"),
                        rs.getInt("epoch"),
                        rs.getInt("batch"),
                        rs.getLong("step"),
                        rs.getDouble("epoch_loss_sum"),
                        rs.getObject("validation_accuracy", Double.class),
                        rs.getLong("size_bytes"),
                        rs.getString("sha256"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    public List<StepMetric> findSteps(UUID jobId) {
        return jdbc.sql("select step, epoch, loss, learning_rate from job_steps where job_id = :job order by step")
                .param("job", jobId.toString())
                .query((rs, row) -> new StepMetric(rs.getLong(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)))
                .list();
    }

    /** The learning rate applied at each recorded step, as parallel arrays in step order. */
    public record AppliedRates(long[] steps, double[] rates) {}

    /** A job's applied rates, read straight into two arrays: 16 bytes a step, and no object per row. */
    public AppliedRates findAppliedRates(UUID jobId) {
        RatesReader reader = new RatesReader();
        jdbc.sql("select step, learning_rate from job_steps where job_id = :job order by step")
                .param("job", jobId.toString())
                .query(reader);
        return reader.rates();
    }

    /** Collects rows of (step, rate) into arrays that double as they fill. */
    private static final class RatesReader implements RowCallbackHandler {
        private long[] steps = new long[1024];
        private double[] rates = new double[1024];
        private int count;

        @Override
        public void processRow(ResultSet rs) throws SQLException {
            if (count == steps.length) {
                steps = Arrays.copyOf(steps, count * 2);
                rates = Arrays.copyOf(rates, count * 2);
            }
            steps[count] = rs.getLong(1);
            rates[count] = rs.getDouble(2);
            count++;
        }

        AppliedRates rates() {
            return new AppliedRates(Arrays.copyOf(steps, count), Arrays.copyOf(rates, count));
        }
    }

    /** A job's steps after {@code afterStep}, in order, at most {@code limit}. */
    public List<StepMetric> findStepsAfter(UUID jobId, long afterStep, int limit) {
        return jdbc.sql("select step, epoch, loss, learning_rate from job_steps where job_id = :job and step > :after "
                        + "order by step fetch first :limit rows only")
                .param("job", jobId.toString())
                .param("after", afterStep)
                .param("limit", limit)
                .query((rs, row) -> new StepMetric(rs.getLong(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)))
                .list();
    }

    private static final String EPOCH_COLUMNS =
            "e.epoch, e.train_loss, e.validation_loss, e.validation_accuracy, e.test_loss, e.test_accuracy, e.seconds";

    /** The latest finished epoch of each of {@code jobIds} that has one. */
    public Map<UUID, EpochMetric> lastEpochs(List<UUID> jobIds) {
        Map<UUID, EpochMetric> last = new HashMap<>();
        jdbc.sql("select e.job_id, " + EPOCH_COLUMNS + " from job_epochs e where e.job_id in (:ids) "
                        + "and e.epoch = (select max(epoch) from job_epochs m where m.job_id = e.job_id)")
                .param("ids", jobIds.stream().map(UUID::toString).toList())
                .query((rs, row) -> last.put(UUID.fromString(rs.getString("job_id")), epochMetric(rs)))
                .list();
        return last;
    }

    public List<EpochMetric> findEpochs(UUID jobId) {
        return jdbc.sql("select " + EPOCH_COLUMNS + " from job_epochs e where e.job_id = :job order by e.epoch")
                .param("job", jobId.toString())
                .query((rs, row) -> epochMetric(rs))
                .list();
    }

    private static EpochMetric epochMetric(ResultSet rs) throws SQLException {
        return new EpochMetric(
                rs.getInt("epoch"),
                rs.getDouble("train_loss"),
                rs.getObject("validation_loss", Double.class),
                rs.getObject("validation_accuracy", Double.class),
                rs.getObject("test_loss", Double.class),
                rs.getObject("test_accuracy", Double.class),
                rs.getDouble("seconds"));
    }
}
