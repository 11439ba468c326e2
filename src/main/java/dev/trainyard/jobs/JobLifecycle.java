package dev.trainyard.jobs;

import dev.trainyard.metrics.TrainyardMetrics;
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

    /** After a restart: a job that was RUNNING when the process died cannot continue, so it fails. */
    public List<UUID> failInterrupted() {
        List<UUID> failed = jobs.failAllRunning(new Job.JobError("interrupted",
                "the server stopped while this job was running; submit it again"), clock.instant());
        failed.forEach(id -> metrics.jobCompleted(JobState.FAILED.name()));
        return failed;
    }

    public boolean isCancelRequested(UUID id) {
        return jobs.findById(id).map(Job::cancelRequested).orElse(true);
    }

    public void planned(UUID id, int stepsPerEpoch, long totalSteps) {
        jobs.updatePlan(id, stepsPerEpoch, totalSteps);
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
