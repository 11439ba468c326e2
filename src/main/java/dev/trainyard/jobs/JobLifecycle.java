package dev.trainyard.jobs;

import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.CheckpointProperties;
import dev.trainyard.training.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The executor's side of a job's life: claim, lease, progress, results and the end state. Every write after the
 * claim names the claim's {@link Lease} and happens only while that attempt holds the job (else
 * {@link LeaseLostException}); writes that span two tables lock the job's row first, so a takeover cannot land
 * between them. Epoch results and checkpoints are recorded with their events ({@link JobEventLog}). The end-state
 * counters move only after the end state is written; a job's training gauges appear when
 * its run is planned and go away when its holder stops, whether or not the holder still had the job.
 */
@Service
public class JobLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final JobEventLog events;
    private final TrainyardMetrics metrics;
    private final JobMeters meters;
    private final CheckpointProperties checkpointSettings;
    private final Clock clock;
    private final ApplicationEventPublisher published;

    public JobLifecycle(
            JobRepository jobs,
            JobMetricsRepository results,
            JobEventLog events,
            TrainyardMetrics metrics,
            JobMeters meters,
            CheckpointProperties checkpointSettings,
            Clock clock,
            ApplicationEventPublisher published) {
        this.published = published;
        this.jobs = jobs;
        this.results = results;
        this.events = events;
        this.metrics = metrics;
        this.meters = meters;
        this.checkpointSettings = checkpointSettings;
        this.clock = clock;
    }

    public Optional<Job> claimNext(String claimant) {
        return jobs.claimNext(claimant, clock.instant());
    }

    /** What a sweep did with jobs whose holder is gone. */
    public record Recovery(List<UUID> requeued, List<UUID> failed) {}

    /**
     * Takes back running jobs whose lease was not renewed within {@code leaseTimeout}: their holder is dead, paused
     * or cut off. See {@link #takeBack}.
     */
    public Recovery recoverExpired(Duration leaseTimeout, int maxAttempts) {
        return takeBack(jobs.findExpired(clock.instant().minus(leaseTimeout)), maxAttempts);
    }

    /**
     * Takes back running jobs held by claimants named {@code claimantPrefix}...: this replica before a restart, so
     * nothing holds them any more. See {@link #takeBack}.
     */
    public Recovery recoverClaimedBy(String claimantPrefix, int maxAttempts) {
        return takeBack(jobs.findClaimedBy(claimantPrefix), maxAttempts);
    }

    /**
     * Each job goes back to the queue and resumes from its last checkpoint on whichever replica claims it, unless it
     * has already started {@code maxAttempts} times, in which case it fails.
     */
    private Recovery takeBack(List<JobRepository.Abandoned> abandoned, int maxAttempts) {
        List<UUID> requeued = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        for (JobRepository.Abandoned job : abandoned) {
            Lease lease = job.lease();
            if (job.attempts() >= maxAttempts) {
                if (jobs.finish(
                        lease,
                        JobState.FAILED,
                        new Job.JobError(
                                JobErrorCode.MAX_ATTEMPTS_EXCEEDED,
                                "the " + "job was interrupted on each of its " + job.attempts()
                                        + " attempts; see its training log"),
                        clock.instant())) {
                    meters.completed(JobState.FAILED);
                    failed.add(lease.jobId());
                }
            } else if (jobs.requeue(lease)) {
                requeued.add(lease.jobId());
            }
        }
        return new Recovery(requeued, failed);
    }

    /**
     * Whether the holder of a running job should go on, stop (a client cancelled it or its experiment stops it
     * early), or has lost the job.
     */
    public enum LeaseStatus {
        HELD,
        STOP_REQUESTED,
        LOST
    }

    /** Renews {@code lease} and reports whether a cancel or an early stop was requested meanwhile (on any replica). */
    public LeaseStatus renew(Lease lease) {
        if (!jobs.renew(lease, clock.instant())) {
            return LeaseStatus.LOST;
        }
        return jobs.findById(lease.jobId()).map(JobLifecycle::stopAsked).orElse(true)
                ? LeaseStatus.STOP_REQUESTED
                : LeaseStatus.HELD;
    }

    /** Whether a slot that runs this job should stop it before its next step. */
    private static boolean stopAsked(Job job) {
        return job.cancelRequested() || job.stopReason() != null;
    }

    /**
     * The end state of a run its holder stopped on request: CANCELLED when a client cancelled it (a cancel wins over
     * an early stop), STOPPED when only its experiment asked it to stop.
     */
    public JobState stoppedAs(Lease lease) {
        return jobs.findById(lease.jobId())
                .filter(job -> !job.cancelRequested() && job.stopReason() != null)
                .map(job -> JobState.STOPPED)
                .orElse(JobState.CANCELLED);
    }

    /** Throws {@link LeaseLostException} unless {@code lease} still holds its job (before writing files). */
    public void requireHeld(Lease lease) {
        if (!jobs.renew(lease, clock.instant())) {
            throw new LeaseLostException(lease);
        }
    }

    /** Puts a job its holder stopped on purpose (on shutdown) back in the queue without counting the attempt. */
    public void release(Lease lease) {
        jobs.release(lease);
        metrics.trainingEnded(lease.jobId());
    }

    /**
     * The run's size is known. A run resumed from a checkpoint trains the steps after it again; what an earlier
     * attempt recorded for them stays until they are recorded anew, so nothing a client was shown disappears.
     */
    @Transactional
    public void planned(
            Lease lease, int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch, RunRecord record) {
        hold(lease);
        jobs.updatePlan(lease, stepsPerEpoch, totalSteps, firstStep, firstEpoch + 1, record);
        metrics.trainingStarted(lease.jobId());
    }

    @Transactional
    public void progressed(Lease lease, Job.Progress progress, List<JobMetricsRepository.StepMetric> newSteps) {
        hold(lease);
        results.upsertSteps(lease.jobId(), newSteps);
        jobs.updateProgress(lease, progress, clock.instant());
    }

    /**
     * Records an epoch's results with the checkpoint taken after it, in one transaction, then drops the records of
     * checkpoints that are neither among the newest {@code trainyard.checkpoints.keep} nor the best. The job's
     * version moves on, so a client's cached copy (ETag) goes stale.
     *
     * @return the checkpoints no longer recorded, whose files the caller deletes
     */
    @Transactional
    public List<Checkpoint> epochFinished(Lease lease, JobMetricsRepository.EpochMetric epoch, Checkpoint checkpoint) {
        hold(lease);
        results.upsertEpoch(lease.jobId(), epoch);
        results.upsertCheckpoint(lease.jobId(), checkpoint);
        jobs.touch(lease);
        events.recordEpoch(lease.jobId(), epoch);
        events.recordCheckpoint(lease.jobId(), checkpoint);
        published.publishEvent(new EpochRecorded(lease.jobId(), epoch.epoch()));
        return prune(lease.jobId());
    }

    /**
     * Published in the transaction that records an epoch's results; listeners that act on them (early stopping)
     * listen after it commits.
     */
    public record EpochRecorded(UUID jobId, int epoch) {}

    /**
     * Records a checkpoint taken mid-epoch (on a stop), then prunes as {@link #epochFinished} does.
     *
     * @return the checkpoints no longer recorded, whose files the caller deletes
     */
    @Transactional
    public List<Checkpoint> checkpointSaved(Lease lease, Checkpoint checkpoint) {
        hold(lease);
        results.upsertCheckpoint(lease.jobId(), checkpoint);
        jobs.touch(lease);
        events.recordCheckpoint(lease.jobId(), checkpoint);
        return prune(lease.jobId());
    }

    private List<Checkpoint> prune(UUID jobId) {
        List<Checkpoint> all = results.findCheckpoints(jobId);
        Optional<Checkpoint> best = best(all);
        List<Checkpoint> dropped = new ArrayList<>();
        for (Checkpoint old : all.subList(0, Math.max(0, all.size() - checkpointSettings.keep()))) {
            if (best.isEmpty() || best.get().step() != old.step()) {
                results.deleteCheckpoint(jobId, old);
                dropped.add(old);
            }
        }
        return dropped;
    }

    /** The checkpoint with the highest validation accuracy (the later one on a tie). */
    public static Optional<Checkpoint> best(List<Checkpoint> checkpoints) {
        return checkpoints.stream()
                .filter(checkpoint -> checkpoint.validationAccuracy() != null)
                .max(Comparator.comparingDouble(Checkpoint::validationAccuracy).thenComparingLong(Checkpoint::step));
    }

    /**
     * The newest recorded checkpoint whose file is intact, for a run to resume from; records whose file is missing
     * or damaged are dropped on the way (they cannot be resumed from), so the run falls back to an older one or
     * starts afresh.
     */
    @Transactional
    public Optional<Checkpoint> resumePoint(Lease lease, Predicate<Checkpoint> intact) {
        hold(lease);
        List<Checkpoint> recorded = new ArrayList<>(results.findCheckpoints(lease.jobId()));
        Collections.reverse(recorded);
        for (Checkpoint checkpoint : recorded) {
            if (intact.test(checkpoint)) {
                return Optional.of(checkpoint);
            }
            log.warn(
                    "Job {}: checkpoint {} is missing or damaged; its record is dropped",
                    lease.jobId(),
                    checkpoint.file());
            results.deleteCheckpoint(lease.jobId(), checkpoint);
        }
        return Optional.empty();
    }

    /**
     * Moves the leased job to its end state; the job's training gauges go away. A job that SUCCEEDED keeps only the
     * checkpoints {@code trainyard.checkpoints.keep-after-success} names, and the end state and the dropped records
     * commit together: no client sees a finished job with checkpoints about to go.
     *
     * @return the checkpoints no longer recorded, whose files the caller deletes
     */
    @Transactional
    public List<Checkpoint> finish(Lease lease, JobState end, Job.JobError error) {
        hold(lease);
        Job job = jobs.findById(lease.jobId()).orElseThrow(() -> new LeaseLostException(lease));
        job.requireMove(end);
        metrics.trainingEnded(lease.jobId());
        List<Checkpoint> dropped = end == JobState.SUCCEEDED ? keepAfterSuccess(lease.jobId()) : List.of();
        if (!jobs.finish(lease, end, error, clock.instant())) {
            throw new LeaseLostException(lease);
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                meters.completed(end);
            }
        });
        return dropped;
    }

    private List<Checkpoint> keepAfterSuccess(UUID jobId) {
        CheckpointProperties.KeepAfterSuccess policy = checkpointSettings.keepAfterSuccess();
        if (policy == CheckpointProperties.KeepAfterSuccess.ALL) {
            return List.of();
        }
        List<Checkpoint> all = results.findCheckpoints(jobId);
        Optional<Checkpoint> best = policy == CheckpointProperties.KeepAfterSuccess.BEST ? best(all) : Optional.empty();
        List<Checkpoint> dropped = new ArrayList<>();
        for (Checkpoint checkpoint : all) {
            if (best.isEmpty() || best.get().step() != checkpoint.step()) {
                results.deleteCheckpoint(jobId, checkpoint);
                dropped.add(checkpoint);
            }
        }
        return dropped;
    }

    private void hold(Lease lease) {
        if (!jobs.lockIfHeld(lease)) {
            throw new LeaseLostException(lease);
        }
    }
}
