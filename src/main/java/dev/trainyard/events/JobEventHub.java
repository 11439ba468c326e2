package dev.trainyard.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobEvent;
import dev.trainyard.jobs.JobEventLog;
import dev.trainyard.jobs.JobMetricsRepository;
import dev.trainyard.jobs.JobNotFoundException;
import dev.trainyard.jobs.JobRepository;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobSnapshot;
import dev.trainyard.jobs.JobState;
import dev.trainyard.jobs.JobView;
import dev.trainyard.security.Caller;
import dev.trainyard.system.DaemonThreads;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves every open event stream and long poll of this server from one poller thread. Each round it reads the
 * watched jobs, then the job events recorded since the last round (once for all streams; a stream resuming from
 * further back reads its own backlog), then the new steps of each watched job, and sends each stream what it may see.
 * The jobs are read before their events: a job seen finished has its final state event committed, so a stream ends
 * only after sending it. Events come from the database, not from the training slot, so a client connected to any
 * replica sees every job; polling costs nothing while nobody watches.
 */
@Component
public class JobEventHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventHub.class);

    /** Job events read per round; a backlog longer than this is sent over several rounds. */
    static final int EVENT_BATCH = 1_000;

    /** Steps read per job and round. */
    static final int STEP_BATCH = 5_000;

    /** Steps per {@code steps} event. */
    static final int STEPS_PER_EVENT = 500;

    private final JobEventLog eventLog;
    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final JobService service;
    private final JsonMapper json;
    private final EventsProperties settings;
    private final Clock clock;

    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final Set<JobWait> waits = ConcurrentHashMap.newKeySet();

    private ScheduledExecutorService poller;
    private ThreadPoolExecutor senders;
    private volatile boolean running;

    /** Every event up to this seq has been read by the poller; -1 while nobody watched. Poller thread only. */
    private long cursor = -1;

    private Instant lastHeartbeat = Instant.MIN;

    public JobEventHub(
            JobEventLog eventLog,
            JobRepository jobs,
            JobMetricsRepository results,
            JobService service,
            JsonMapper json,
            EventsProperties settings,
            Clock clock,
            MeterRegistry registry) {
        this.eventLog = eventLog;
        this.jobs = jobs;
        this.results = results;
        this.service = service;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("trainyard.events.streams", streams, Set::size)
                .description("event streams open on this server")
                .register(registry);
        Gauge.builder("trainyard.events.waits", waits, Set::size)
                .description("long polls waiting on this server")
                .register(registry);
    }

    /**
     * Opens a stream of one job's events from {@code from}.
     *
     * @param complete ends the client's response
     * @return the stream, which the caller closes when its client goes away
     */
    EventStream openJobStream(Caller caller, Job job, EventCursor from, EventSender sender, Runnable complete) {
        return open(caller, job.id(), from, sender, complete);
    }

    /** Opens a stream of the events of every job the caller may see, from {@code from} or else from now. */
    EventStream openAllJobsStream(Caller caller, EventCursor from, EventSender sender, Runnable complete) {
        return open(caller, null, from == null ? new EventCursor(eventLog.head(), 0) : from, sender, complete);
    }

    private synchronized EventStream open(
            Caller caller, UUID jobId, EventCursor from, EventSender sender, Runnable complete) {
        if (!running) {
            throw new IllegalStateException("the event hub is stopped");
        }
        long open = streams.stream()
                .filter(stream -> stream.owner().equals(caller.name()))
                .count();
        if (open >= settings.maxStreamsPerOwner()) {
            throw new TooManyStreamsException("event streams", settings.maxStreamsPerOwner());
        }
        EventStream[] self = new EventStream[1];
        EventStream stream = new EventStream(
                caller.name(),
                caller.admin(),
                jobId,
                from,
                sender,
                complete,
                senders,
                settings.maxQueuedEvents(),
                () -> streams.remove(self[0]));
        self[0] = stream;
        streams.add(stream);
        return stream;
    }

    /**
     * Waits for {@code until} to hold for the job, at most {@code timeout}; answers at once when it holds now.
     *
     * @return the job when {@code until} held or the time was up; {@link JobNotFoundException} when it was deleted
     */
    synchronized CompletableFuture<JobSnapshot> await(
            Caller caller, JobSnapshot now, Predicate<JobSnapshot> until, Duration timeout) {
        if (until.test(now)) {
            return CompletableFuture.completedFuture(now);
        }
        long waiting = waits.stream()
                .filter(wait -> wait.owner().equals(caller.name()))
                .count();
        if (waiting >= settings.maxWaitsPerOwner()) {
            throw new TooManyStreamsException("long polls", settings.maxWaitsPerOwner());
        }
        JobWait wait = new JobWait(
                now.job().id(), caller.name(), until, clock.instant().plus(timeout), new CompletableFuture<>());
        waits.add(wait);
        wait.answer().whenComplete((snapshot, error) -> waits.remove(wait));
        return wait.answer();
    }

    /**
     * One round; see the class comment. It serves the streams and long polls open when it starts; one opened
     * meanwhile is served from the next round on.
     */
    void poll() {
        try {
            heartbeats();
            List<EventStream> round = List.copyOf(streams);
            List<JobWait> waiting = List.copyOf(waits);
            if (round.isEmpty() && waiting.isEmpty()) {
                cursor = -1;
                return;
            }
            Map<UUID, JobSnapshot> watched = snapshots(round, waiting);
            List<Job> runningJobs =
                    round.stream().anyMatch(stream -> stream.jobId() == null) ? jobs.findRunning() : List.of();
            if (cursor < 0) {
                cursor = eventLog.head();
            }
            long from = cursor;
            List<JobEvent> fresh = eventLog.after(from, EVENT_BATCH);
            long to = fresh.isEmpty() ? from : fresh.get(fresh.size() - 1).seq();
            Map<UUID, JobSteps> steps = newSteps(round, watched.keySet());
            Rendering rendering = new Rendering();
            for (EventStream stream : round) {
                if (stream.jobId() == null) {
                    deliverAllJobs(stream, from, to, fresh, runningJobs, rendering);
                } else {
                    deliverJob(
                            stream, from, to, fresh, watched.get(stream.jobId()), steps.get(stream.jobId()), rendering);
                }
            }
            cursor = to;
            answerWaits(waiting, watched);
        } catch (RuntimeException e) {
            log.warn("Event streams could not be updated this round: {}", e.toString());
        }
    }

    /** The jobs the round's streams and long polls watch, as they are now; a deleted job is missing. */
    private Map<UUID, JobSnapshot> snapshots(List<EventStream> round, List<JobWait> waiting) {
        Set<UUID> ids = new HashSet<>();
        round.stream().map(EventStream::jobId).filter(id -> id != null).forEach(ids::add);
        waiting.forEach(wait -> ids.add(wait.jobId()));
        Map<UUID, JobSnapshot> snapshots = new HashMap<>();
        for (Job job : jobs.findAll(ids)) {
            snapshots.put(job.id(), service.snapshot(job));
        }
        return snapshots;
    }

    /** A job's steps read this round, from the earliest any of its streams still needs. */
    private record JobSteps(List<JobMetricsRepository.StepMetric> steps, boolean complete) {}

    private Map<UUID, JobSteps> newSteps(List<EventStream> round, Set<UUID> watched) {
        Map<UUID, Long> from = new HashMap<>();
        for (EventStream stream : round) {
            if (stream.jobId() != null && watched.contains(stream.jobId())) {
                from.merge(stream.jobId(), stream.steps(), Math::min);
            }
        }
        Map<UUID, JobSteps> steps = new HashMap<>();
        from.forEach((job, sent) -> {
            List<JobMetricsRepository.StepMetric> read = results.findStepsAfter(job, sent - 1, STEP_BATCH);
            steps.put(job, new JobSteps(read, read.size() < STEP_BATCH));
        });
        return steps;
    }

    /** One job's stream: its new steps, then its events, then its progress; the end once it finished. */
    private void deliverJob(
            EventStream stream,
            long from,
            long to,
            List<JobEvent> fresh,
            JobSnapshot snapshot,
            JobSteps steps,
            Rendering rendering) {
        if (steps != null) {
            sendSteps(stream, steps.steps(), rendering);
        }
        boolean caughtUp = sendEvents(stream, from, to, fresh);
        if (snapshot == null) {
            stream.finish(rendering.event(stream, "end", new StreamEnd(stream.jobId(), null, true)));
            return;
        }
        if (!snapshot.etag().equals(stream.lastEtag())) {
            stream.lastEtag(snapshot.etag());
            stream.send(rendering.event(stream, "progress", rendering.progress(snapshot)));
        }
        if (snapshot.job().state().isFinished() && caughtUp && (steps == null || steps.complete())) {
            stream.finish(rendering.event(
                    stream, "end", new StreamEnd(stream.jobId(), snapshot.job().state(), null)));
        }
    }

    private void sendSteps(EventStream stream, List<JobMetricsRepository.StepMetric> read, Rendering rendering) {
        List<JobMetricsRepository.StepMetric> unsent =
                read.stream().filter(step -> step.step() >= stream.steps()).toList();
        for (int start = 0; start < unsent.size(); start += STEPS_PER_EVENT) {
            List<JobMetricsRepository.StepMetric> chunk =
                    unsent.subList(start, Math.min(unsent.size(), start + STEPS_PER_EVENT));
            stream.steps(chunk.get(chunk.size() - 1).step() + 1);
            stream.send(rendering.event(stream, "steps", new StepsEvent(stream.jobId(), chunk)));
        }
    }

    /**
     * Sends the stream's job events up to {@code to}: from this round's read when the stream was level with the
     * poller, else from its own backlog.
     *
     * @return whether the stream is level with the poller now
     */
    private boolean sendEvents(EventStream stream, long from, long to, List<JobEvent> fresh) {
        List<JobEvent> events;
        boolean caughtUp = true;
        if (stream.seq() >= from) {
            events = fresh;
        } else {
            events = stream.jobId() == null
                    ? eventLog.ofOwner(stream.ownerShown(), stream.seq(), EVENT_BATCH)
                    : eventLog.ofJob(stream.jobId(), stream.seq(), EVENT_BATCH);
            caughtUp = events.size() < EVENT_BATCH;
        }
        for (JobEvent event : events) {
            if (event.seq() > stream.seq() && event.seq() <= to && stream.sees(event.jobId(), event.owner())) {
                stream.seq(event.seq());
                stream.send(new StreamEvent(stream.currentId(), event.type().streamName(), event.data()));
            }
        }
        if (caughtUp && stream.seq() < to) {
            stream.seq(to);
        }
        return caughtUp;
    }

    /** A stream of every job the caller may see: its events, then the progress of its running jobs. */
    private void deliverAllJobs(
            EventStream stream, long from, long to, List<JobEvent> fresh, List<Job> runningJobs, Rendering rendering) {
        sendEvents(stream, from, to, fresh);
        Set<UUID> stillRunning = new HashSet<>();
        for (Job job : runningJobs) {
            if (!stream.sees(job.id(), job.owner())) {
                continue;
            }
            stillRunning.add(job.id());
            Long sent = stream.versions().put(job.id(), job.version());
            if (sent == null || sent != job.version()) {
                stream.send(rendering.event(stream, "progress", rendering.progress(job)));
            }
        }
        stream.versions().keySet().retainAll(stillRunning);
    }

    private void answerWaits(List<JobWait> waiting, Map<UUID, JobSnapshot> watched) {
        Instant now = clock.instant();
        for (JobWait wait : waiting) {
            JobSnapshot snapshot = watched.get(wait.jobId());
            if (snapshot == null) {
                wait.answer()
                        .completeExceptionally(
                                new JobNotFoundException(wait.jobId().toString()));
            } else if (wait.until().test(snapshot) || !now.isBefore(wait.deadline())) {
                wait.answer().complete(snapshot);
            }
        }
    }

    private void heartbeats() {
        Instant now = clock.instant();
        if (Duration.between(lastHeartbeat, now).compareTo(settings.heartbeat()) >= 0) {
            lastHeartbeat = now;
            streams.forEach(stream -> stream.send(StreamEvent.HEARTBEAT));
        }
    }

    /**
     * One round's events as JSON: what several streams are sent (the same steps, the same progress) is read and
     * written once, not once per stream. Poller thread only.
     */
    private final class Rendering {

        private final Map<Object, String> written = new HashMap<>();
        private final Map<UUID, ProgressEvent> watchedProgress = new HashMap<>();
        private final Map<UUID, ProgressEvent> runningProgress = new HashMap<>();

        StreamEvent event(EventStream stream, String name, Object data) {
            return new StreamEvent(stream.currentId(), name, written.computeIfAbsent(data, json::writeValueAsString));
        }

        /** A watched job's progress, from its snapshot of this round. */
        ProgressEvent progress(JobSnapshot snapshot) {
            return watchedProgress.computeIfAbsent(snapshot.job().id(), id -> ProgressEvent.of(snapshot.summary()));
        }

        /** A running job's progress, from the job as this round read it. */
        ProgressEvent progress(Job job) {
            return runningProgress.computeIfAbsent(
                    job.id(), id -> ProgressEvent.of(service.snapshot(job).summary()));
        }
    }

    /** A {@code progress} event: what {@code GET /jobs/{id}} shows of a job's progress. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProgressEvent(
            UUID jobId,
            JobState state,
            Long queuePosition,
            String waitingFor,
            Boolean cancelRequested,
            JobView.ProgressView progress,
            JobView.LatestView latest) {

        static ProgressEvent of(JobView view) {
            return new ProgressEvent(
                    view.id(),
                    view.state(),
                    view.queuePosition(),
                    view.waitingFor(),
                    view.cancelRequested(),
                    view.progress(),
                    view.latest());
        }
    }

    /** A {@code steps} event: optimizer steps in order, each with its loss and the learning rate applied. */
    record StepsEvent(UUID jobId, List<JobMetricsRepository.StepMetric> steps) {}

    /** The {@code end} event, a job stream's last: the job finished, or was deleted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StreamEnd(UUID jobId, JobState state, Boolean deleted) {}

    @Override
    public synchronized void start() {
        poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-events"));
        senders = new ThreadPoolExecutor(
                0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), DaemonThreads.named("trainyard-events-send"));
        long interval = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
        running = true;
    }

    /** Ends every stream (clients reconnect, perhaps to another replica) and answers every long poll as it stands. */
    @Override
    public synchronized void stop() {
        running = false;
        poller.shutdownNow();
        List.copyOf(streams).forEach(EventStream::close);
        for (JobWait wait : List.copyOf(waits)) {
            try {
                service.findSnapshot(wait.jobId())
                        .ifPresentOrElse(
                                wait.answer()::complete,
                                () -> wait.answer()
                                        .completeExceptionally(new JobNotFoundException(
                                                wait.jobId().toString())));
            } catch (RuntimeException e) {
                wait.answer().completeExceptionally(e);
            }
        }
        senders.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
