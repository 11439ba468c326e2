package dev.trainyard.jobs;

import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.Minibatches;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.security.Caller;
import dev.trainyard.system.Violations;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/** What callers do with jobs: submit, look up, list and cancel, each limited to the caller's own jobs. */
@Service
public class JobService {

    static final int MAX_PAGE = 100;

    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final DatasetCatalog datasets;
    private final TrainyardMetrics metrics;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final SecureRandom seeds = new SecureRandom();

    public JobService(JobRepository jobs, JobMetricsRepository results, DatasetCatalog datasets,
                      TrainyardMetrics metrics, ApplicationEventPublisher events, Clock clock) {
        this.jobs = jobs;
        this.results = results;
        this.datasets = datasets;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    /** Validates, fills in defaults, stores the job as QUEUED and wakes the executor. */
    public Job submit(Caller caller, JobSpec submitted) {
        Violations violations = new Violations();
        submitted.validate(violations);
        if (submitted.dataset() != null) {
            datasets.checkFolders(submitted.dataset(), "dataset", violations);
        }
        violations.throwIfAny();
        JobSpec spec = submitted.withDefaults(() -> seeds.nextLong() & Long.MAX_VALUE);
        if (spec.schedule().warmupSteps() != null) {
            spec.schedule().requireFits(spec.epochs(),
                    Minibatches.stepsPerEpoch(datasets.trainSize(spec.dataset()), spec.batchSize()));
        }
        UUID id = UUID.randomUUID();
        jobs.insert(id, caller.name(), spec, clock.instant());
        metrics.jobSubmitted();
        events.publishEvent(new JobSubmitted(id));
        return jobs.findById(id).orElseThrow();
    }

    public Job get(Caller caller, UUID id) {
        return jobs.findById(id)
                .filter(job -> caller.admin() || job.owner().equals(caller.name()))
                .orElseThrow(() -> new JobNotFoundException(id.toString()));
    }

    /** @param beforeSeq the page cursor: jobs older than this sequence number */
    public List<Job> list(Caller caller, JobState state, Long beforeSeq, int limit) {
        return jobs.findPage(caller.admin() ? null : caller.name(), state, beforeSeq, limit);
    }

    public long queuePosition(Job job) {
        return jobs.queuePosition(job);
    }

    public List<JobMetricsRepository.EpochMetric> epochs(Job job) {
        return results.findEpochs(job.id());
    }

    public List<JobMetricsRepository.StepMetric> steps(Job job) {
        return results.findSteps(job.id());
    }

    /**
     * A queued job is cancelled at once; a running one is asked to stop (its slot stops before the next step).
     *
     * @return the job after the request
     * @throws IllegalJobTransitionException for a job that has finished
     */
    public Job cancel(Caller caller, UUID id) {
        Job job = get(caller, id);
        job.requireMove(JobState.CANCELLED);
        if (job.state() == JobState.QUEUED
                && jobs.transition(id, JobState.QUEUED, JobState.CANCELLED, null, clock.instant())) {
            metrics.jobCompleted(JobState.CANCELLED.name());
        } else if (jobs.requestCancel(id)) {
            events.publishEvent(new JobCancelRequested(id));
        } else {
            get(caller, id).requireMove(JobState.CANCELLED);
        }
        return get(caller, id);
    }

    /** Published after a job is stored, so an idle slot can claim it without waiting for its next poll. */
    public record JobSubmitted(UUID jobId) {
    }

    /** Published after a cancel request for a running job is stored. */
    public record JobCancelRequested(UUID jobId) {
    }
}
