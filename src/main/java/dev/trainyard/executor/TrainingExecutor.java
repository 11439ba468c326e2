package dev.trainyard.executor;

import dev.trainyard.data.DatasetUnavailableException;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobSpec;
import dev.trainyard.jobs.JobState;
import dev.trainyard.metrics.TrainyardMetrics;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.training.Dl4jRuntime;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.Trainer;
import dev.trainyard.training.TrainingDivergedException;
import dev.trainyard.training.TrainingOutcome;
import dev.trainyard.training.TrainingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * from the job table, trains it and records the end state. On start, jobs left RUNNING by a dead process are queued
 * again to resume from their last checkpoint (or failed after {@code maxAttempts}) before any slot claims work; on
 * shutdown, running jobs checkpoint and go back to the queue.
 */
@Component
public class TrainingExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainingExecutor.class);

    private final JobLifecycle lifecycle;
    private final Trainer trainer;
    private final TrainyardMetrics metrics;
    private final DataDirectory dataDirectory;
    private final ExecutorProperties properties;
    private final Dl4jRuntime runtime;
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<UUID, JobRun> active = new ConcurrentHashMap<>();
    private final List<Thread> slots = new ArrayList<>();
    private volatile boolean running;

    public TrainingExecutor(JobLifecycle lifecycle, Trainer trainer, TrainyardMetrics metrics,
                            DataDirectory dataDirectory, ExecutorProperties properties, Dl4jRuntime runtime) {
        this.lifecycle = lifecycle;
        this.trainer = trainer;
        this.metrics = metrics;
        this.dataDirectory = dataDirectory;
        this.properties = properties;
        this.runtime = runtime;
    }

    @Override
    public synchronized void start() {
        JobLifecycle.Recovery recovery = lifecycle.recoverInterrupted(properties.maxAttempts());
        if (!recovery.requeued().isEmpty()) {
            log.warn("Re-queued {} job(s) that were running when the server stopped; they resume from their last "
                    + "checkpoint: {}", recovery.requeued().size(), recovery.requeued());
        }
        if (!recovery.failed().isEmpty()) {
            log.warn("Failed {} job(s) after {} attempts: {}", recovery.failed().size(), properties.maxAttempts(),
                    recovery.failed());
        }
        running = true;
        int count = properties.slotCount(runtime.deviceCount());
        for (int slot = 0; slot < count; slot++) {
            int device = slot;
            Thread thread = new Thread(() -> runSlot(device), "trainyard-slot-" + slot);
            slots.add(thread);
            thread.start();
        }
        log.info("Executor started with {} slot(s) on the {} backend", count, runtime.backend());
    }

    @Override
    public synchronized void stop() {
        running = false;
        active.values().forEach(JobRun::requestStop);
        wakeups.release(slots.size());
        for (Thread slot : slots) {
            try {
                slot.join(TimeUnit.SECONDS.toMillis(30));
                if (slot.isAlive()) {
                    slot.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        slots.clear();
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

    private void runSlot(int device) {
        TrainingPriority.lowerCurrentThread(properties.trainingNice());
        if ("CUDA".equalsIgnoreCase(runtime.backend())) {
            Nd4j.getAffinityManager().unsafeSetDevice(device);
        }
        String claimant = Thread.currentThread().getName();
        while (running) {
            try {
                Optional<Job> job = lifecycle.claimNext(claimant);
                if (job.isPresent()) {
                    run(job.get());
                } else if (wakeups.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
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

    private void run(Job job) throws InterruptedException {
        UUID id = job.id();
        JobRun run = new JobRun(id, lifecycle, metrics, properties.progressInterval(), dataDirectory.log(id));
        active.put(id, run);
        log.info("Training job {} ({})", id, job.spec().name());
        try {
            if (lifecycle.isCancelRequested(id)) {
                run.requestStop();
            }
            TrainingOutcome outcome = trainer.train(request(job), run);
            run.flush();
            if (outcome == TrainingOutcome.COMPLETED) {
                end(run, JobState.SUCCEEDED, null);
            } else if (running) {
                end(run, JobState.CANCELLED, null);
            } else {
                lifecycle.release(id);
                run.log("released on shutdown; it resumes from its checkpoint on the next start");
            }
        } catch (DatasetUnavailableException e) {
            end(run, JobState.FAILED, new Job.JobError("dataset_unavailable", e.getMessage()));
        } catch (TrainingDivergedException e) {
            run.flush();
            end(run, JobState.FAILED, new Job.JobError("diverged", e.getMessage()));
        } catch (InterruptedException e) {
            lifecycle.release(id);
            throw e;
        } catch (Exception e) {
            log.error("Job {} failed", id, e);
            end(run, JobState.FAILED, new Job.JobError("training_error",
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            active.remove(id);
            metrics.trainingEnded(id);
        }
        log.info("Job {} ended", id);
    }

    private void end(JobRun run, JobState state, Job.JobError error) {
        lifecycle.finish(run.jobId(), state, error);
        run.log("%s%s", state, error == null ? "" : " (" + error.code() + "): " + error.message());
    }

    private TrainingRequest request(Job job) {
        JobSpec spec = job.spec();
        return new TrainingRequest(ModelArchitecture.byId(spec.model()).orElseThrow(), spec.dataset(), spec.augment(),
                spec.epochs(), spec.batchSize(), spec.optimizer(), spec.schedule(), spec.seed(),
                dataDirectory.model(job.id()), dataDirectory.checkpoints(job.id()));
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(properties.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
