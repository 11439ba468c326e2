package dev.trainyard.jobs;

import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.training.RunRecord;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The executor's side of a job's life: claim, progress, results and the end state. Each change is written to the
 * database first and reported to metrics after.
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

    /** What a restart did with the jobs a dead process left RUNNING. */
    public record Recovery(List<UUID> requeued, List<UUID> failed) {
    }

    /**
     * After a restart: a job that was RUNNING when the process died goes back to the queue and resumes from its
     * last checkpoint, unless it has already started {@code maxAttempts} times, in which case it fails.
     */
    public Recovery recoverInterrupted(int maxAttempts) {
        List<UUID> requeued = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        for (Job job : jobs.findByState(JobState.RUNNING)) {
            if (job.attempt() >= maxAttempts) {
                if (jobs.transition(job.id(), JobState.RUNNING, JobState.FAILED, new Job.JobError(
                        "max_attempts_exceeded", "the job was interrupted on each of its " + job.attempt()
                        + " attempts; see its training log"), clock.instant())) {
                    metrics.jobCompleted(JobState.FAILED.name());
                    failed.add(job.id());
                }
            } else if (jobs.transition(job.id(), JobState.RUNNING, JobState.QUEUED, null, clock.instant())) {
                requeued.add(job.id());
            }
        }
        return new Recovery(requeued, failed);
    }

    /** Puts a job this server stopped (on shutdown) back in the queue without counting the attempt. */
    public void release(UUID id) {
        jobs.release(id);
        metrics.trainingEnded(id);
    }

    public boolean isCancelRequested(UUID id) {
        return jobs.findById(id).map(Job::cancelRequested).orElse(true);
    }

    /**
     * The run's size is known. A resumed run trains again from {@code firstStep}, so results recorded after its
     * checkpoint are removed: the per-step record stays one continuous schedule and each epoch appears once.
     */
    public void planned(UUID id, int stepsPerEpoch, long totalSteps, long firstStep, int firstEpoch,
                        RunRecord record) {
        results.truncate(id, firstStep, firstEpoch);
        jobs.updatePlan(id, stepsPerEpoch, totalSteps, firstStep, firstEpoch + 1, record);
        metrics.trainingStarted(id);
    }

    public void progressed(UUID id, Job.Progress progress, List<JobMetricsRepository.StepMetric> newSteps) {
        results.insertSteps(id, newSteps);
        jobs.updateProgress(id, progress, clock.instant());
    }

    public void epochFinished(UUID id, JobMetricsRepository.EpochMetric epoch) {
        results.insertEpoch(id, epoch);
    }

    /** Moves a RUNNING job to its end state; the job's training gauges go away. */
    public void finish(UUID id, JobState end, Job.JobError error) {
        Job job = jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id.toString()));
        job.requireMove(end);
        if (jobs.transition(id, JobState.RUNNING, end, error, clock.instant())) {
            metrics.jobCompleted(end.name());
        }
        metrics.trainingEnded(id);
    }
}
