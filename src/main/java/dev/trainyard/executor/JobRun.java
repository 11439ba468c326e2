package dev.trainyard.executor;

import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobMetricsRepository;
import dev.trainyard.jobs.Lease;
import dev.trainyard.jobs.LeaseLostException;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.CheckpointStore;
import dev.trainyard.training.RunRecord;
import dev.trainyard.training.TrainingObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one job's training reports to the job table and the metrics: steps are buffered and written together
 * at most every {@code progressInterval} and at the end of every epoch, so the database is not hit once per step.
 * Every write names the run's {@link Lease}; once another attempt holds the job, writes throw
 * {@link dev.trainyard.jobs.LeaseLostException} and the trainer stops.
 *
 * <p>Throughput is images over the wall time of this attempt's steps, waits for data included; the ETA is the
 * remaining steps at that pace plus, once an evaluation has been timed, one evaluation per remaining epoch.
 */
final class JobRun implements TrainingObserver {

    private static final Logger log = LoggerFactory.getLogger(JobRun.class);

    private final Lease lease;
    private final UUID jobId;
    private final JobLifecycle lifecycle;
    private final TrainyardMetrics metrics;
    private final long progressIntervalNanos;
    private final Path logFile;
    private final List<JobMetricsRepository.StepMetric> pending = new ArrayList<>();
    private final List<PendingCheckpoint> pendingCheckpoints = new ArrayList<>();
    private final CheckpointStore checkpointFiles;
    private volatile boolean stopRequested;
    private volatile boolean leaseLost;
    private long lastFlush = System.nanoTime();
    private int stepsPerEpoch;
    private long totalSteps;
    private int epochsFinished;
    private long trainedImages;
    private long trainedSteps;
    private double trainingSeconds;
    private double epochTrainingSeconds;
    private Double evaluationSeconds;
    private int epoch = 1;
    private StepReport last;

    /** A checkpoint on disk, with the epoch result it follows (null for one taken mid-epoch), not yet recorded. */
    private record PendingCheckpoint(JobMetricsRepository.EpochMetric epoch, Checkpoint checkpoint) {}

    JobRun(
            Lease lease,
            JobLifecycle lifecycle,
            TrainyardMetrics metrics,
            Duration progressInterval,
            Path log,
            CheckpointStore checkpointFiles) {
        this.lease = lease;
        this.checkpointFiles = checkpointFiles;
        this.jobId = lease.jobId();
        this.logFile = log;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.progressIntervalNanos = progressInterval.toNanos();
    }

    Lease lease() {
        return lease;
    }

    /** Asks the trainer to stop before its next step. */
    void requestStop() {
        stopRequested = true;
    }

    /** Another attempt holds the job now: stop before the next step and write nothing more. */
    void leaseLost() {
        leaseLost = true;
        stopRequested = true;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void started(int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch, RunRecord record) {
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = totalSteps;
        this.epochsFinished = firstEpoch;
        lifecycle.planned(lease, stepsPerEpoch, totalSteps, firstStep, firstEpoch, record);
        if (firstStep > 0) {
            log("resuming at step %d (epoch %d) from a checkpoint", firstStep, firstEpoch + 1);
        } else {
            log(
                    "training: %d epochs of %d steps, %d steps in all",
                    totalSteps / stepsPerEpoch, stepsPerEpoch, totalSteps);
        }
    }

    @Override
    public void stepFinished(StepReport step) {
        trainedImages += step.images();
        trainedSteps++;
        trainingSeconds += step.seconds();
        epochTrainingSeconds += step.seconds();
        epoch = step.epoch() + 1;
        last = step;
        pending.add(new JobMetricsRepository.StepMetric(step.step(), step.epoch(), step.loss(), step.learningRate()));
        metrics.stepFinished(jobId, step.loss(), step.learningRate(), imagesPerSecond(), Duration.ofNanos((long)
                (step.seconds() * 1e9)));
        if (System.nanoTime() - lastFlush >= progressIntervalNanos) {
            flush();
        }
    }

    @Override
    public void epochFinished(EpochReport report, Checkpoint checkpoint) {
        evaluationSeconds = Math.max(0, report.seconds() - epochTrainingSeconds);
        epochTrainingSeconds = 0;
        epochsFinished = report.epoch();
        Evaluation validation = report.validation();
        Evaluation test = report.test();
        pendingCheckpoints.add(new PendingCheckpoint(
                new JobMetricsRepository.EpochMetric(
                        report.epoch(),
                        report.trainLoss(),
                        validation == null ? null : validation.loss(),
                        validation == null ? null : validation.accuracy(),
                        test == null ? null : test.loss(),
                        test == null ? null : test.accuracy(),
                        report.seconds()),
                checkpoint));
        flush();
        metrics.epochFinished(
                jobId,
                report.epoch(),
                validation == null ? Double.NaN : validation.accuracy(),
                test == null ? Double.NaN : test.accuracy());
        log(
                "epoch %d: train loss %.4f%s%s, %.1f s, %.0f images/s",
                report.epoch(),
                report.trainLoss(),
                describe("validation", validation),
                describe("test", test),
                report.seconds(),
                imagesPerSecond());
    }

    @Override
    public void checkpointSaved(Checkpoint checkpoint) {
        pendingCheckpoints.add(new PendingCheckpoint(null, checkpoint));
        flush();
    }

    private static String describe(String split, Evaluation result) {
        return result == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        ", %s loss %.4f, %s accuracy %.4f",
                        split,
                        result.loss(),
                        split,
                        result.accuracy());
    }

    /** Images trained by this attempt over the wall time of its steps. */
    private double imagesPerSecond() {
        return trainingSeconds > 0 ? trainedImages / trainingSeconds : 0;
    }

    /** Seconds to the end: the remaining steps at this attempt's pace, and the remaining epochs' evaluations. */
    private Double etaSeconds() {
        if (trainedSteps == 0 || last == null) {
            return null;
        }
        long remainingSteps = totalSteps - (last.step() + 1);
        int remainingEvaluations = stepsPerEpoch == 0 ? 0 : (int) (totalSteps / stepsPerEpoch) - epochsFinished;
        return remainingSteps * (trainingSeconds / trainedSteps)
                + (evaluationSeconds == null ? 0 : remainingEvaluations * evaluationSeconds);
    }

    /** Appends a line to the job's log file; a log that cannot be written must not stop training. */
    void log(String format, Object... values) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(
                    logFile,
                    Instant.now() + " " + String.format(Locale.ROOT, format, values) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Cannot write {}: {}", logFile, e.getMessage());
        }
    }

    /**
     * Writes buffered steps, the latest progress, then finished epochs with their checkpoints, and deletes the files
     * of checkpoints pruned on the way. While the database cannot be reached they stay buffered and training goes
     * on; the next flush writes them (or finds the lease taken over meanwhile).
     */
    void flush() {
        lastFlush = System.nanoTime();
        if (last == null) {
            return;
        }
        try {
            lifecycle.progressed(
                    lease,
                    new Job.Progress(
                            epoch,
                            last.step() + 1,
                            null,
                            null,
                            last.loss(),
                            last.learningRate(),
                            imagesPerSecond(),
                            etaSeconds()),
                    List.copyOf(pending));
            pending.clear();
            while (!pendingCheckpoints.isEmpty()) {
                PendingCheckpoint next = pendingCheckpoints.get(0);
                List<Checkpoint> dropped = next.epoch() == null
                        ? lifecycle.checkpointSaved(lease, next.checkpoint())
                        : lifecycle.epochFinished(lease, next.epoch(), next.checkpoint());
                pendingCheckpoints.remove(0);
                deleteFiles(dropped);
            }
        } catch (RuntimeException e) {
            if (!DatabaseOutage.causedBy(e)) {
                throw e;
            }
            log.warn("Job {}: progress kept in memory, the database is unavailable ({})", jobId, e.getMessage());
        }
    }

    /** Files of checkpoints no longer recorded; one that cannot be deleted now is swept later. */
    void deleteFiles(List<Checkpoint> dropped) {
        for (Checkpoint checkpoint : dropped) {
            try {
                checkpointFiles.delete(checkpoint);
            } catch (IOException e) {
                log.warn(
                        "Job {}: could not delete {} ({}); it is swept later",
                        jobId,
                        checkpoint.file(),
                        e.getMessage());
            }
        }
    }

    /**
     * Before a checkpoint or the model is written: only while the lease is confirmed. A database that cannot confirm
     * it stops the run like a lost lease; the job stays RUNNING until its lease expires and then resumes from its
     * previous checkpoint.
     */
    @Override
    public void beforeSave() {
        if (leaseLost) {
            throw new LeaseLostException(lease);
        }
        try {
            lifecycle.requireHeld(lease);
        } catch (RuntimeException e) {
            if (e instanceof LeaseLostException || !DatabaseOutage.causedBy(e)) {
                throw e;
            }
            throw new LeaseLostException(lease);
        }
    }
}
