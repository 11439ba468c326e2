package dev.trainyard.executor;

import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobMetricsRepository;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.TrainingObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Carries one job's training reports to the job table and the metrics: steps are buffered and written together
 * at most every {@code progressInterval} and at the end of every epoch, so the database is not hit once per step.
 */
final class JobRun implements TrainingObserver {

    private static final double SPEED_SMOOTHING = 0.1;

    private final UUID jobId;
    private final JobLifecycle lifecycle;
    private final TrainyardMetrics metrics;
    private final long progressIntervalNanos;
    private final List<JobMetricsRepository.StepMetric> pending = new ArrayList<>();
    private volatile boolean stopRequested;
    private long lastFlush = System.nanoTime();
    private double imagesPerSecond;
    private int epoch = 1;
    private StepReport last;

    JobRun(UUID jobId, JobLifecycle lifecycle, TrainyardMetrics metrics, Duration progressInterval) {
        this.jobId = jobId;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.progressIntervalNanos = progressInterval.toNanos();
    }

    UUID jobId() {
        return jobId;
    }

    /** Asks the trainer to stop before its next step. */
    void requestStop() {
        stopRequested = true;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void started(int stepsPerEpoch, long totalSteps) {
        lifecycle.planned(jobId, stepsPerEpoch, totalSteps);
    }

    @Override
    public void stepFinished(StepReport step) {
        double speed = step.images() / step.seconds();
        imagesPerSecond = imagesPerSecond == 0 ? speed
                : (1 - SPEED_SMOOTHING) * imagesPerSecond + SPEED_SMOOTHING * speed;
        epoch = step.epoch() + 1;
        last = step;
        pending.add(new JobMetricsRepository.StepMetric(step.step(), step.epoch(), step.loss(), step.learningRate()));
        metrics.stepFinished(jobId, step.loss(), step.learningRate(), imagesPerSecond,
                Duration.ofNanos((long) (step.seconds() * 1e9)));
        if (System.nanoTime() - lastFlush >= progressIntervalNanos) {
            flush();
        }
    }

    @Override
    public void epochFinished(EpochReport report) {
        flush();
        lifecycle.epochFinished(jobId, new JobMetricsRepository.EpochMetric(report.epoch(), report.trainLoss(),
                report.testLoss(), report.testAccuracy(), report.seconds()));
        metrics.epochFinished(jobId, report.epoch(), report.testAccuracy());
    }

    /** Writes buffered steps and the latest progress. */
    void flush() {
        lastFlush = System.nanoTime();
        if (last == null) {
            return;
        }
        lifecycle.progressed(jobId, new Job.Progress(epoch, last.step() + 1, null, null, last.loss(),
                last.learningRate(), imagesPerSecond), List.copyOf(pending));
        pending.clear();
    }
}
