package dev.trainyard.jobs;

import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The executor's side of a job's life: claim, lease, progress, results and the end state. Every write after the
 * claim names the claim's {@link Lease} and happens only while that attempt holds the job (else
 * {@link LeaseLostException}); writes that span two tables lock the job's row first, so a takeover cannot land
 * between them. Each change is written to the database first and reported to metrics after.
 */
@Service
public class JobLifecycle {

    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final TrainyardMetrics metrics;
    private final Clock clock;

    public JobLifecycle(JobRepository jobs, JobMetricsRepository results, TrainyardMetrics metrics, Clock clock) {
        this.jobs = jobs;
        this.results = results;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Optional<Job> claimNext(String claimant) {
        return jobs.claimNext(claimant, clock.instant());
    }

    /** What a sweep did with jobs whose holder is gone. */
    public record Recovery(List<UUID> requeued, List<UUID> failed) {
    }

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
    private Recovery takeBack(List<Lease> abandoned, int maxAttempts) {
        List<UUID> requeued = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        for (Lease lease : abandoned) {
            if (lease.attempt() >= maxAttempts) {
                if (jobs.finish(lease, JobState.FAILED, new Job.JobError("max_attempts_exceeded", "the job was "
                        + "interrupted on each of its " + lease.attempt() + " attempts; see its training log"),
                        clock.instant())) {
                    metrics.jobCompleted(JobState.FAILED.name());
                    failed.add(lease.jobId());
                }
            } else if (jobs.requeue(lease)) {
                requeued.add(lease.jobId());
            }
        }
        return new Recovery(requeued, failed);
    }

    /** Whether the holder of a running job should go on, stop because a client cancelled, or has lost the job. */
    public enum LeaseStatus { HELD, CANCEL_REQUESTED, LOST }

    /** Renews {@code lease} and reports whether a cancel was requested meanwhile (on any replica). */
    public LeaseStatus renew(Lease lease) {
        if (!jobs.renew(lease, clock.instant())) {
            return LeaseStatus.LOST;
        }
        return jobs.findById(lease.jobId()).map(Job::cancelRequested).orElse(true)
                ? LeaseStatus.CANCEL_REQUESTED : LeaseStatus.HELD;
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
     * The run's size is known. A resumed run trains again from {@code firstStep}, so results recorded after its
     * checkpoint are removed: the per-step record stays one continuous schedule and each epoch appears once.
     */
    @Transactional
    public void planned(Lease lease, int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch,
                        RunRecord record) {
        hold(lease);
        results.truncate(lease.jobId(), firstStep, firstEpoch);
        jobs.updatePlan(lease, stepsPerEpoch, totalSteps, firstStep, firstEpoch + 1, record);
        metrics.trainingStarted(lease.jobId());
    }

    @Transactional
    public void progressed(Lease lease, Job.Progress progress, List<JobMetricsRepository.StepMetric> newSteps) {
        hold(lease);
        results.insertSteps(lease.jobId(), newSteps);
        jobs.updateProgress(lease, progress, clock.instant());
    }

    /** Records an epoch's results; the job's version moves on, so a client's cached copy (ETag) goes stale. */
    @Transactional
    public void epochFinished(Lease lease, JobMetricsRepository.EpochMetric epoch) {
        hold(lease);
        results.insertEpoch(lease.jobId(), epoch);
        jobs.touch(lease);
    }

    /** Moves the leased job to its end state; the job's training gauges go away. */
    public void finish(Lease lease, JobState end, Job.JobError error) {
        Job job = jobs.findById(lease.jobId()).orElseThrow(() -> new LeaseLostException(lease));
        if (job.state() != JobState.RUNNING || job.attempt() != lease.attempt()) {
            throw new LeaseLostException(lease);
        }
        job.requireMove(end);
        metrics.trainingEnded(lease.jobId());
        if (!jobs.finish(lease, end, error, clock.instant())) {
            throw new LeaseLostException(lease);
        }
        metrics.jobCompleted(end.name());
    }

    private void hold(Lease lease) {
        if (!jobs.lockIfHeld(lease)) {
            throw new LeaseLostException(lease);
        }
    }
}
