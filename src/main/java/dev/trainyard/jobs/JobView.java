package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.training.RunRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param attempt       how many times the job has started; a job resumed after a crash counts again
 * @param spec          the effective spec: what was sent plus every default
 * @param queuePosition 1 for the job that runs next; only while QUEUED
 * @param waitingFor    why no queued job starts now, e.g. too little free disk space; only while QUEUED
 * @param epochs        one entry per finished epoch (omitted in lists)
 * @param run           what reproduces the run besides spec and seed: versions, device, dataset fingerprint
 * @param deliveries    with a webhook: its latest deliveries, newest first (omitted in lists)
 * @param trial         for a trial of an experiment: the experiment's id and the trial's number
 * @param stoppedBecause why the job's experiment stopped it early (it is STOPPED)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        UUID id,
        String name,
        String owner,
        JobState state,
        Integer attempt,
        JobSpec spec,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Long queuePosition,
        String waitingFor,
        Boolean cancelRequested,
        ProgressView progress,
        LatestView latest,
        List<JobMetricsRepository.EpochMetric> epochs,
        Job.JobError error,
        RunRecord run,
        List<WebhookDelivery> deliveries,
        Job.Trial trial,
        String stoppedBecause) {

    /**
     * Training progress.
     *
     * @param epoch      1-based epoch in progress
     * @param step       optimizer steps done
     * @param fraction   step / totalSteps
     * @param etaSeconds estimated seconds to the end: the remaining steps at this attempt's pace (images over wall
     *                   time, waits for data included) and one evaluation per remaining epoch once one was timed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProgressView(
            Integer epoch, Long step, Integer stepsPerEpoch, Long totalSteps, Double fraction, Long etaSeconds) {}

    /**
     * The latest step's loss and learning rate, the attempt's training speed (images over wall time), and the latest
     * epoch's accuracy.
     *
     * @param accuracy the latest finished epoch's validation accuracy, or its test accuracy without a validation split
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LatestView(Double loss, Double learningRate, Double imagesPerSecond, Double accuracy) {}

    static JobView of(
            Job job,
            Long queuePosition,
            String waitingFor,
            List<JobMetricsRepository.EpochMetric> epochs,
            JobMetricsRepository.EpochMetric lastEpoch,
            List<WebhookDelivery> deliveries) {
        Job.Progress p = job.progress();
        ProgressView progress = null;
        if (p.totalSteps() != null) {
            long step = p.step() == null ? 0 : p.step();
            Long eta = job.state() == JobState.RUNNING && p.etaSeconds() != null ? Math.round(p.etaSeconds()) : null;
            progress = new ProgressView(
                    p.epoch(), step, p.stepsPerEpoch(), p.totalSteps(), (double) step / p.totalSteps(), eta);
        }
        Double accuracy = lastEpoch == null
                ? null
                : lastEpoch.validationAccuracy() != null ? lastEpoch.validationAccuracy() : lastEpoch.testAccuracy();
        LatestView latest = p.loss() == null && accuracy == null
                ? null
                : new LatestView(p.loss(), p.learningRate(), p.imagesPerSecond(), accuracy);
        return new JobView(
                job.id(),
                job.spec().name(),
                job.owner(),
                job.state(),
                job.attempt() == 0 ? null : job.attempt(),
                job.spec(),
                job.submittedAt(),
                job.startedAt(),
                job.finishedAt(),
                queuePosition,
                job.state() == JobState.QUEUED ? waitingFor : null,
                job.cancelRequested() ? Boolean.TRUE : null,
                progress,
                latest,
                epochs,
                job.error(),
                job.run(),
                deliveries,
                job.trial(),
                job.stopReason());
    }
}
