package dev.trainyard.jobs;

import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.Minibatches;
import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.security.Caller;
import dev.trainyard.system.DiskSpace;
import dev.trainyard.system.RequestValidation;
import dev.trainyard.system.Sha256;
import dev.trainyard.system.Violations;
import dev.trainyard.training.Checkpoint;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** What callers do with jobs: submit, look up, list and cancel, each limited to the caller's own jobs. */
@Service
public class JobService {

    static final int MAX_PAGE = 100;
    /** A job shows this many of its newest webhook deliveries. */
    private static final int MAX_DELIVERIES_SHOWN = 50;
    /** A job moves between QUEUED and RUNNING at most a few times a second; past this, the client retries. */
    private static final int CANCEL_ATTEMPTS = 10;

    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final DatasetCatalog datasets;
    private final JobMeters meters;
    private final ApplicationEventPublisher events;
    private final JobIdempotencyKeys keys;
    private final JobsProperties limits;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final JobFiles files;
    private final DiskSpace disk;
    private final PredictionService predictions;
    private final RequestValidation validation;
    private final NotifyTargets notifyTargets;
    private final WebhookDeliveries deliveries;
    private final SecureRandom seeds = new SecureRandom();

    public JobService(
            JobRepository jobs,
            JobMetricsRepository results,
            DatasetCatalog datasets,
            JobMeters meters,
            ApplicationEventPublisher events,
            JobIdempotencyKeys keys,
            JobsProperties limits,
            PlatformTransactionManager transactionManager,
            JsonMapper json,
            Clock clock,
            JobFiles files,
            PredictionService predictions,
            DiskSpace disk,
            RequestValidation validation,
            NotifyTargets notifyTargets,
            WebhookDeliveries deliveries) {
        this.validation = validation;
        this.notifyTargets = notifyTargets;
        this.deliveries = deliveries;
        this.disk = disk;
        this.files = files;
        this.predictions = predictions;
        this.jobs = jobs;
        this.results = results;
        this.datasets = datasets;
        this.meters = meters;
        this.events = events;
        this.keys = keys;
        this.limits = limits;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
        this.clock = clock;
    }

    /** A submission's outcome: the job, and whether an earlier request with the same idempotency key created it. */
    public record Submission(Job job, boolean replayed) {}

    /**
     * Validates, fills in defaults, stores the job as QUEUED and wakes the executor.
     *
     * @param idempotencyKey null, or the client's key: a repeat with the same request returns the job the first
     *                       created; with a different request it is refused. The key and the job are stored in one
     *                       transaction, so concurrent repeats create one job.
     */
    public Submission submit(Caller caller, JobSpec submitted, String idempotencyKey) {
        Violations violations = new Violations();
        check(caller, submitted, violations);
        IdempotencyKeys.checkFormat(idempotencyKey, violations);
        violations.throwIfAny();
        String requestHash = idempotencyKey == null ? null : Sha256.hex(json.writeValueAsString(submitted));
        if (idempotencyKey != null) {
            Optional<Submission> earlier = earlierUse(caller, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        JobSpec spec = effective(submitted, () -> seeds.nextLong() & Long.MAX_VALUE);
        if (jobs.countQueued(caller.name()) >= limits.maxQueuedPerOwner()) {
            throw new TooManyQueuedJobsException(limits.maxQueuedPerOwner());
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            transactions.executeWithoutResult(status -> {
                jobs.insert(id, caller.name(), spec, now);
                if (idempotencyKey != null) {
                    keys.insert(caller.name(), idempotencyKey, requestHash, id, now, limits.idempotencyRetention());
                }
            });
        } catch (DuplicateKeyException concurrentFirstUse) {
            return earlierUse(caller, idempotencyKey, requestHash).orElseThrow(() -> concurrentFirstUse);
        }
        meters.submitted();
        events.publishEvent(new JobSubmitted(id));
        return new Submission(jobs.findById(id).orElseThrow(), false);
    }

    /**
     * Every check a submitted spec must pass before it is stored (its declared constraints, its dataset's folders,
     * its webhook's address), added to {@code violations}; a job and each trial of an experiment pass the same ones.
     */
    public void check(Caller caller, JobSpec submitted, Violations violations) {
        validation.check(submitted, violations);
        if (submitted.dataset() != null) {
            datasets.checkFolders(submitted.dataset().toChoice(), "dataset", violations);
        }
        if (submitted.webhook() != null && submitted.webhook().url() != null) {
            notifyTargets.check(caller.name(), submitted.webhook(), "notify", violations);
        }
    }

    /**
     * The spec that trains: {@code submitted} (which passed {@link #check}) with every default filled in.
     *
     * @throws dev.trainyard.system.InvalidRequestException when a warmup given in steps does not fit in the run
     */
    public JobSpec effective(JobSpec submitted, LongSupplier seedSource) {
        JobSpec spec = submitted.withDefaults(seedSource);
        if (spec.schedule().warmupSteps() != null) {
            spec.schedule()
                    .requireFits(
                            spec.epochs(),
                            Minibatches.stepsPerEpoch(
                                    datasets.trainSize(spec.dataset().toChoice()), spec.batchSize()));
        }
        return spec;
    }

    /**
     * Stores an experiment's trial as a QUEUED job, in the caller's transaction; the executor is woken once it
     * commits. The spec is the trial's effective spec, checked when the experiment was accepted.
     *
     * @throws DuplicateKeyException when the trial has a job already
     */
    public UUID submitTrial(String owner, JobSpec spec, Job.Trial trial) {
        UUID id = UUID.randomUUID();
        jobs.insert(id, owner, spec, clock.instant(), trial);
        afterCommit(() -> {
            meters.submitted();
            events.publishEvent(new JobSubmitted(id));
        });
        return id;
    }

    /** Runs {@code action} once the caller's transaction commits, or now outside one. */
    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /** Whether the owner has as many queued jobs as {@code trainyard.jobs.max-queued-per-owner} allows. */
    public boolean queueFull(String owner) {
        return jobs.countQueued(owner) >= limits.maxQueuedPerOwner();
    }

    /**
     * Asks a running job to stop early and end STOPPED, for {@code reason}; the slot running it stops before its next
     * step. Does nothing to a job that is not running or whose cancel was requested.
     *
     * @return whether the request was recorded
     */
    public boolean requestStop(UUID id, String reason) {
        if (!jobs.requestStop(id, reason)) {
            return false;
        }
        events.publishEvent(new JobCancelRequested(id));
        return true;
    }

    /**
     * Cancels a job as {@link #cancel} does, for a service acting for its owner (an experiment cancelling its
     * trials), in the caller's transaction; a job that finished meanwhile is left as it is.
     */
    public void cancelIfUnfinished(UUID id) {
        for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
            if (jobs.cancelQueued(id, clock.instant())) {
                afterCommit(() -> meters.completed(JobState.CANCELLED));
                return;
            }
            if (jobs.requestCancel(id)) {
                afterCommit(() -> events.publishEvent(new JobCancelRequested(id)));
                return;
            }
            Optional<Job> now = jobs.findById(id);
            if (now.isEmpty() || now.get().state().isFinished()) {
                return;
            }
        }
        throw new JobBusyException(id);
    }

    private Optional<Submission> earlierUse(Caller caller, String key, String requestHash) {
        return keys.createdBy(caller.name(), key, requestHash, clock.instant().minus(limits.idempotencyRetention()))
                .map(id -> new Submission(jobs.findById(id).orElseThrow(), true));
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

    /** A page of jobs as a list shows them: with queue positions and the latest epoch's accuracy, in two reads. */
    public List<JobView> summaries(List<Job> page) {
        List<UUID> ids = page.stream().map(Job::id).toList();
        List<UUID> queued = page.stream()
                .filter(job -> job.state() == JobState.QUEUED)
                .map(Job::id)
                .toList();
        Map<UUID, Long> positions = queued.isEmpty() ? Map.of() : jobs.queuePositions(queued);
        Map<UUID, JobMetricsRepository.EpochMetric> lastEpochs = ids.isEmpty() ? Map.of() : results.lastEpochs(ids);
        String waitingFor = queued.isEmpty() ? null : waitingFor().orElse(null);
        return page.stream()
                .map(job -> JobView.of(
                        job,
                        positions.get(job.id()),
                        job.state() == JobState.QUEUED ? waitingFor : null,
                        null,
                        lastEpochs.get(job.id()),
                        null))
                .toList();
    }

    /** The job as it is now, or empty when it was deleted. */
    public Optional<JobSnapshot> findSnapshot(UUID id) {
        return jobs.findById(id).map(this::snapshot);
    }

    /** The job with its place in the queue as of now. */
    public JobSnapshot snapshot(Job job) {
        Long queuePosition = job.state() == JobState.QUEUED ? jobs.queuePosition(job) : null;
        return new JobSnapshot(
                job, queuePosition, queuePosition == null ? null : waitingFor().orElse(null));
    }

    public long queuePosition(Job job) {
        return jobs.queuePosition(job);
    }

    /** Why queued jobs do not start now (too little free disk space), or empty. */
    public Optional<String> waitingFor() {
        return disk.shortage();
    }

    /** The job as {@code GET /jobs/{id}} shows it: with its epochs and its latest webhook deliveries. */
    public JobView details(JobSnapshot snapshot) {
        Job job = snapshot.job();
        return snapshot.view(
                epochs(job), job.spec().webhook() == null ? null : deliveries.ofJob(job.id(), MAX_DELIVERIES_SHOWN));
    }

    public List<JobMetricsRepository.EpochMetric> epochs(Job job) {
        return results.findEpochs(job.id());
    }

    public List<JobMetricsRepository.StepMetric> steps(Job job) {
        return results.findSteps(job.id());
    }

    /** The job's recorded checkpoints, oldest first; each one's file was complete before it was recorded. */
    public List<Checkpoint> checkpoints(Job job) {
        return results.findCheckpoints(job.id());
    }

    /**
     * A queued job is cancelled at once; a running one is asked to stop (its slot stops before the next step). Each
     * answer comes from a conditional statement that made the change, never from an earlier read: a job that recovery
     * re-queues (or a slot claims) between the two statements is tried again in its new state.
     *
     * @return the cancelled job, or the running job with its cancel request recorded
     * @throws IllegalJobTransitionException for a job that has finished
     */
    public CancelOutcome cancel(Caller caller, UUID id) {
        get(caller, id);
        for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
            if (jobs.cancelQueued(id, clock.instant())) {
                meters.completed(JobState.CANCELLED);
                return new CancelOutcome(get(caller, id), true);
            }
            if (jobs.requestCancel(id)) {
                events.publishEvent(new JobCancelRequested(id));
                return new CancelOutcome(get(caller, id), false);
            }
            get(caller, id).requireMove(JobState.CANCELLED);
        }
        throw new JobBusyException(id);
    }

    /**
     * @param cancelled true: the job is CANCELLED now; false: it is running and stops before its next step
     */
    public record CancelOutcome(Job job, boolean cancelled) {}

    /**
     * Deletes a finished job with everything recorded for it and its files. Queued and running jobs are refused:
     * cancel them first.
     *
     * @throws JobNotFinishedException for a job that is queued or running
     */
    public void delete(Caller caller, UUID id) {
        Job job = get(caller, id);
        if (!job.state().isFinished()) {
            throw new JobNotFinishedException(id, job.state());
        }
        if (!deleteFinished(id)) {
            Job now = get(caller, id);
            throw new JobNotFinishedException(id, now.state());
        }
    }

    /**
     * Deletes a finished job: its rows in one statement (from then on the API knows nothing of it), then its files,
     * once the caller's transaction commits if there is one (an experiment deleting its trials). A crash between the
     * two leaves files that the next sweep removes.
     *
     * @return false when the job is gone or not finished
     */
    public boolean deleteFinished(UUID id) {
        if (!jobs.deleteFinished(id)) {
            return false;
        }
        afterCommit(() -> {
            predictions.forget(id);
            files.deleteFolder(id);
        });
        return true;
    }

    /**
     * Queues a failed job again; it resumes from its newest checkpoint (after a {@code disk_full}, once space is
     * free) and has {@code trainyard.executor.max-attempts} attempts again.
     *
     * @throws IllegalJobTransitionException for a job that has not FAILED
     */
    public Job retry(Caller caller, UUID id) {
        Job job = get(caller, id);
        job.requireMove(JobState.QUEUED);
        if (jobs.countQueued(caller.name()) >= limits.maxQueuedPerOwner()) {
            throw new TooManyQueuedJobsException(limits.maxQueuedPerOwner());
        }
        if (!jobs.retry(id)) {
            get(caller, id).requireMove(JobState.QUEUED);
        }
        events.publishEvent(new JobSubmitted(id));
        return get(caller, id);
    }

    /** Published after a job is stored, so an idle slot can claim it without waiting for its next poll. */
    public record JobSubmitted(UUID jobId) {}

    /** Published after a cancel or early-stop request for a running job is stored: its slot stops it. */
    public record JobCancelRequested(UUID jobId) {}
}
