package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.sql.Types;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Per-step and per-epoch training results of jobs. */
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
    public record StepMetric(long step, int epoch, double loss, double learningRate) {
    }

    /**
     * One finished epoch's result; {@code epoch} is 1-based. Validation and test results are absent when the job
     * has no validation split or no test set.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EpochMetric(int epoch, double trainLoss, Double validationLoss, Double validationAccuracy,
                              Double testLoss, Double testAccuracy, double seconds) {
    }

    public void insertSteps(UUID jobId, List<StepMetric> steps) {
        batch.batchUpdate("insert into job_steps (job_id, step, epoch, loss, learning_rate) values (?, ?, ?, ?, ?)",
                steps.stream().map(step -> new Object[] {jobId.toString(), step.step(), step.epoch(), step.loss(),
                        step.learningRate()}).toList());
    }

    /** Removes steps from {@code fromStep} on and epochs after {@code keptEpochs}. */
    public void truncate(UUID jobId, long fromStep, int keptEpochs) {
        jdbc.sql("delete from job_steps where job_id = :job and step >= :step")
                .param("job", jobId.toString()).param("step", fromStep).update();
        jdbc.sql("delete from job_epochs where job_id = :job and epoch > :epoch")
                .param("job", jobId.toString()).param("epoch", keptEpochs).update();
    }

    public void insertEpoch(UUID jobId, EpochMetric epoch) {
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

    public List<StepMetric> findSteps(UUID jobId) {
        return jdbc.sql("select step, epoch, loss, learning_rate from job_steps where job_id = :job order by step")
                .param("job", jobId.toString())
                .query((rs, row) -> new StepMetric(rs.getLong(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)))
                .list();
    }

    public List<EpochMetric> findEpochs(UUID jobId) {
        return jdbc.sql("select epoch, train_loss, validation_loss, validation_accuracy, test_loss, test_accuracy, "
                        + "seconds from job_epochs where job_id = :job order by epoch")
                .param("job", jobId.toString())
                .query((rs, row) -> new EpochMetric(rs.getInt(1), rs.getDouble(2), rs.getObject(3, Double.class),
                        rs.getObject(4, Double.class), rs.getObject(5, Double.class), rs.getObject(6, Double.class),
                        rs.getDouble(7)))
                .list();
    }
}
