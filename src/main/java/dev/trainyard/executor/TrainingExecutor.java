package dev.trainyard.executor;

import dev.trainyard.data.DatasetUnavailableException;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobErrorCode;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobState;
import dev.trainyard.jobs.Lease;
import dev.trainyard.jobs.LeaseLostException;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.system.DiskSpace;
import dev.trainyard.system.JobArtifacts;
import dev.trainyard.system.JobFolder;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.CheckpointStore;
import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.Trainer;
import dev.trainyard.training.TrainingDevice;
import dev.trainyard.training.TrainingDivergedException;
import dev.trainyard.training.TrainingOutcome;
import dev.trainyard.training.TrainingRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs queued jobs, one per slot. A slot is a dedicated platform thread bound to one device; it claims the next job
 * from the job table (shared by every replica), trains it under the claim's {@link Lease} and records the end state.
 *
 * <p>A lease thread renews the leases of this replica's running jobs every heartbeat interval, stops a job whose
 * lease another replica took over or that a client cancelled on any replica, and queues again the jobs of replicas
 * that stopped renewing (they resume from their last checkpoint). On start, jobs this replica held before a restart
 * are queued again at once. On shutdown, slots stop claiming, and running jobs checkpoint and go back to the queue
 * within the shutdown grace.
 */
@Component
public class TrainingExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainingExecutor.class);
    /** How long an interrupted slot gets to checkpoint and release its job. */
    static final Duration AFTER_INTERRUPT = Duration.ofSeconds(5);

    private final JobLifecycle lifecycle;
    private final Trainer trainer;
    private final TrainyardMetrics metrics;
    private final JobArtifacts artifacts;
    private final ExecutorProperties properties;
    private final Dl4jRuntime runtime;
    private final ShutdownProperties shutdown;
    private final DiskSpace disk;
    private volatile boolean reportedShortage;
    private final String replicaId;
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<UUID, JobRun> active = new ConcurrentHashMap<>();
    private final List<Thread> slots = new ArrayList<>();
    private ScheduledExecutorService leases;
    private volatile boolean running;

    public TrainingExecutor(
            JobLifecycle lifecycle,
            Trainer trainer,
            TrainyardMetrics metrics,
            JobArtifacts artifacts,
            ExecutorProperties properties,
            ShutdownProperties shutdown,
            Dl4jRuntime runtime,
            DiskSpace disk) {
        this.disk = disk;
        this.lifecycle = lifecycle;
        this.trainer = trainer;
        this.metrics = metrics;
        this.artifacts = artifacts;
        this.properties = properties;
        this.shutdown = shutdown;
        this.runtime = runtime;
        this.replicaId = properties.resolvedReplicaId();
    }

    @Override
    public synchronized void start() {
        report(lifecycle.recoverClaimedBy(replicaId + "/", properties.maxAttempts()));
        report(lifecycle.recoverExpired(properties.leaseTimeout(), properties.maxAttempts()));
        running = true;
        List<Integer> trainable = runtime.devices().stream()
                .filter(TrainingDevice::canTrain)
                .map(TrainingDevice::index)
                .toList();
        int count = trainable.isEmpty() ? 0 : properties.slotCount(trainable.size());
        if (trainable.isEmpty()) {
            log.error(
                    "No device of the {} backend can train: this replica claims no jobs (see /actuator/health)",
                    runtime.backend());
        }
        for (int slot = 0; slot < count; slot++) {
            int number = slot;
            int device = trainable.get(slot % trainable.size());
            Thread thread = new Thread(() -> runSlot(number, device), "trainyard-slot-" + slot);
            slots.add(thread);
            thread.start();
        }
        leases = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "trainyard-leases"));
        long period = properties.heartbeatInterval().toMillis();
        leases.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
        log.info(
                "Executor started as replica {} with {} slot(s) on the {} backend",
                replicaId,
                count,
                runtime.backend());
    }

    /**
     * Stops claiming, asks running jobs to checkpoint and release themselves, and waits for them within the shutdown
     * grace. A slot still busy after it is interrupted: its run checkpoints where it is and goes back to the queue,
     * given {@link #AFTER_INTERRUPT} more to do so (else its job's lease expires and a replica resumes it from its
     * last checkpoint).
     */
    @Override
    public synchronized void stop() {
        running = false;
        active.values().forEach(JobRun::requestStop);
        wakeups.release(slots.size());
        long deadline = System.nanoTime() + shutdown.grace().toNanos();
        try {
            for (Thread slot : slots) {
                slot.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (slot.isAlive()) {
                    log.warn(
                            "{} did not stop within the shutdown grace of {}; interrupting it",
                            slot.getName(),
                            shutdown.grace());
                    slot.interrupt();
                }
            }
            for (Thread slot : slots) {
                slot.join(AFTER_INTERRUPT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slots.clear();
        if (leases != null) {
            leases.shutdownNow();
        }
    }

    /** Renews this replica's leases, passes on cancel requests and lost leases, and takes back abandoned jobs. */
    private void heartbeat() {
        try {
            active.values().forEach(this::relayStatus);
            JobLifecycle.Recovery recovery =
                    lifecycle.recoverExpired(properties.leaseTimeout(), properties.maxAttempts());
            report(recovery);
            if (!recovery.requeued().isEmpty()) {
                wakeups.release(recovery.requeued().size());
            }
        } catch (RuntimeException e) {
            log.warn("Lease heartbeat failed (retrying in {}): {}", properties.heartbeatInterval(), e.getMessage());
        }
    }

    /** Renews a run's lease and passes on a lost lease, a cancel or an early stop requested on any replica. */
    private void relayStatus(JobRun run) {
        switch (lifecycle.renew(run.lease())) {
            case LOST -> run.leaseLost();
            case STOP_REQUESTED -> run.requestStop();
            case HELD -> {}
        }
    }

    private void report(JobLifecycle.Recovery recovery) {
        if (!recovery.requeued().isEmpty()) {
            log.warn(
                    "Re-queued {} job(s) whose holder stopped renewing its lease; they resume from their last "
                            + "checkpoint: {}",
                    recovery.requeued().size(),
                    recovery.requeued());
        }
        if (!recovery.failed().isEmpty()) {
            log.warn(
                    "Failed {} job(s) after {} attempts: {}",
                    recovery.failed().size(),
                    properties.maxAttempts(),
                    recovery.failed());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @EventListener
    void onSubmitted(JobService.JobSubmitted event) {
        wakeups.release();
    }

    @EventListener
    void onCancelRequested(JobService.JobCancelRequested event) {
        JobRun run = active.get(event.jobId());
        if (run != null) {
            run.requestStop();
        }
    }

    private void runSlot(int slot, int device) {
        TrainingPriority.lowerCurrentThread(properties.trainingNice());
        if ("CUDA".equalsIgnoreCase(runtime.backend())) {
            Nd4j.getAffinityManager().unsafeSetDevice(device);
        }
        String claimant = replicaId + "/slot-" + slot;
        while (running) {
            try {
                Optional<String> shortage = disk.shortage();
                if (shortage.isPresent()) {
                    reportShortage(claimant, shortage.get());
                    waitForWork();
                    continue;
                }
                reportedShortage = false;
                Optional<Job> job = lifecycle.claimNext(claimant);
                if (job.isPresent()) {
                    run(job.get(), claimant);
                } else {
                    waitForWork();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Slot {} could not claim work; retrying after the poll interval", claimant, e);
                sleepQuietly();
            }
        }
    }

    /** Until a job is submitted on this replica or the poll interval has passed. */
    private void waitForWork() throws InterruptedException {
        if (wakeups.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
        }
    }

    private void reportShortage(String claimant, String shortage) {
        if (!reportedShortage) {
            reportedShortage = true;
            log.warn("{} starts no job while it waits for {}", claimant, shortage);
        }
    }

    private void run(Job job, String claimant) {
        UUID id = job.id();
        Lease lease = Lease.of(job);
        JobFolder files = artifacts.folder(id);
        CheckpointStore checkpoints = new CheckpointStore(files.checkpoints());
        JobRun run = new JobRun(lease, lifecycle, metrics, properties.progressInterval(), files.log(), checkpoints);
        active.put(id, run);
        log.info("Training job {} ({}), attempt {}", id, job.spec().name(), job.attempt());
        run.log("attempt %d on %s", job.attempt(), claimant);
        try {
            // a cancel committed between the claim and active.put found no run to tell: read the job back once now
            relayStatus(run);
            Checkpoint resume =
                    lifecycle.resumePoint(lease, checkpoints::isIntact).orElse(null);
            TrainingOutcome outcome = trainer.train(request(job, resume), run);
            run.flush();
            if (outcome == TrainingOutcome.COMPLETED) {
                end(run, JobState.SUCCEEDED, null);
            } else if (running) {
                end(run, lifecycle.stoppedAs(lease), null);
            } else {
                release(run, "released on shutdown; it resumes from its checkpoint");
            }
        } catch (LeaseLostException e) {
            log.warn(
                    "Stopped job {}: attempt {} lost its lease to another replica; wrote nothing more",
                    id,
                    job.attempt());
            run.log("attempt %d stopped: its lease was taken over", job.attempt());
        } catch (DatasetUnavailableException e) {
            end(run, JobState.FAILED, new Job.JobError(JobErrorCode.DATASET_UNAVAILABLE, withoutPaths(e.getMessage())));
        } catch (TrainingDivergedException e) {
            run.flush();
            end(run, JobState.FAILED, new Job.JobError(JobErrorCode.DIVERGED, e.getMessage()));
        } catch (Exception e) {
            if (!running && interruptedByShutdown(e)) {
                release(run, "interrupted on shutdown; it resumes from its last checkpoint");
                Thread.currentThread().interrupt();
                return;
            }
            if (DiskSpace.isOutOfSpace(e)) {
                run.flush();
                end(
                        run,
                        JobState.FAILED,
                        new Job.JobError(
                                JobErrorCode.DISK_FULL,
                                "a write found no space left "
                                        + "under the data directory (" + DiskSpace.describe(disk.freeBytes())
                                        + " free now); the "
                                        + "last checkpoint is kept: free some space, then POST /api/v1/jobs/" + id
                                        + "/retry to "
                                        + "resume from it"));
                return;
            }
            if (e instanceof RuntimeException failure && DatabaseOutage.causedBy(failure)) {
                log.warn(
                        "Stopped job {}: the database is unavailable ({}); it resumes when its lease expires",
                        id,
                        failure.getMessage());
                run.log(
                        "attempt %d stopped: the database is unavailable; the job resumes from its last checkpoint",
                        job.attempt());
                return;
            }
            log.error("Job {} failed", id, e);
            end(
                    run,
                    JobState.FAILED,
                    new Job.JobError(
                            JobErrorCode.TRAINING_ERROR,
                            withoutPaths(e.getClass().getSimpleName() + ": " + e.getMessage())));
        } finally {
            active.remove(id);
            metrics.trainingEnded(id);
        }
        log.info("Job {} ended", id);
    }

    /**
     * Whether a run ended because the shutdown backstop interrupted it: the trainer's own {@link InterruptedException}
     * after its checkpoint, or a write that the interrupt broke (NIO channels close on interrupt).
     */
    private static boolean interruptedByShutdown(Throwable e) {
        boolean flagged = Thread.interrupted();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException
                    || cause instanceof java.nio.channels.ClosedByInterruptException
                    || cause instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return flagged;
    }

    /** A failure's message as the job's owner sees it: the server's data directory is not named. */
    private String withoutPaths(String message) {
        return String.valueOf(message).replace(artifacts.jobs().getParent().toString(), "<data-dir>");
    }

    /** Back to the queue without counting the attempt; the interrupt flag is clear for the database write. */
    private void release(JobRun run, String why) {
        run.flush();
        lifecycle.release(run.lease());
        run.log("%s", why);
    }

    /**
     * Records the run's end. The log's last line is written first: once the end is recorded a client may delete the
     * job, and a line written after that would bring its folder back.
     */
    private void end(JobRun run, JobState state, Job.JobError error) {
        run.log("%s%s", state, error == null ? "" : " (" + error.code().code() + "): " + error.message());
        try {
            run.deleteFiles(lifecycle.finish(run.lease(), state, error));
        } catch (LeaseLostException e) {
            run.log("that end was not recorded: another attempt holds the job now");
            log.warn(
                    "Job {} ended here as {}, but another attempt holds it now; not recorded",
                    run.lease().jobId(),
                    state);
        }
    }

    private TrainingRequest request(Job job, Checkpoint resume) {
        return job.spec().toTrainingRequest(artifacts.folder(job.id()), resume);
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(properties.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
