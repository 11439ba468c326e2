package dev.trainyard.events;

import dev.trainyard.jobs.CheckpointView;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobEvent;
import dev.trainyard.jobs.JobMetricsRepository;
import dev.trainyard.jobs.JobService;
import dev.trainyard.jobs.JobSnapshot;
import dev.trainyard.jobs.JobView;
import dev.trainyard.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Event streams of jobs, and long polls on a job. */
@RestController
class JobEventController {

    private static final MediaType JSON_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

    /** How long past its deadline a long poll may go unanswered before the container answers it. */
    private static final Duration WAIT_GRACE = Duration.ofSeconds(30);

    /** The stream's schema: each event's JSON data, by the event's name. */
    static final String EVENT_DATA = "Each event's `data` is JSON: `state` a StateChange, `steps` a StepsEvent, "
            + "`epoch` an EpochMetric and `checkpoint` a CheckpointView (each with the job's id added), `progress` a "
            + "ProgressEvent, `end` a StreamEnd.";

    private final JobEventHub hub;
    private final JobService jobs;
    private final EventsProperties settings;

    JobEventController(JobEventHub hub, JobService jobs, EventsProperties settings) {
        this.hub = hub;
        this.jobs = jobs;
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "A job's events as they happen (Server-Sent Events)",
            description = "Streams, as text/event-stream, the job's whole record and then what happens to it: `state` "
                    + "(every state change and cancel request), `steps` (optimizer steps with their loss and the "
                    + "learning rate applied), `epoch` (each epoch's results), `checkpoint`, `progress` (what GET "
                    + "/jobs/{id} shows of progress, when it changes) and, last, `end` (the job finished or was "
                    + "deleted). Every event's data is a JSON object with the job's id. Send the id of the last event "
                    + "received as Last-Event-ID to resume: no state, epoch or checkpoint event is repeated or missed, "
                    + "nor a step. A comment line every 15 s keeps proxies from closing an idle stream.")
    @ApiResponse(
            responseCode = "200",
            description = "the stream",
            content =
                    @Content(
                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema =
                                    @Schema(
                                            description = EVENT_DATA,
                                            oneOf = {
                                                JobEvent.StateChange.class,
                                                JobEventHub.StepsEvent.class,
                                                JobMetricsRepository.EpochMetric.class,
                                                CheckpointView.class,
                                                JobEventHub.ProgressEvent.class,
                                                JobEventHub.StreamEnd.class
                                            })))
    ResponseEntity<SseEmitter> jobEvents(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "the id of the last event received, to resume after it")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId) {
        Job job = jobs.get(caller, id);
        EventCursor from = EventCursor.parse(lastEventId, EventCursor.START);
        SseEmitter emitter = new SseEmitter(settings.maxStreamDuration().toMillis());
        EventStream stream = hub.openJobStream(caller, job, from, event -> send(emitter, event), emitter::complete);
        return streaming(emitter, stream);
    }

    @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Events of all your jobs as they happen (Server-Sent Events)",
            description = "Streams the `state`, `epoch` and `checkpoint` events of every job you may see (an admin: "
                    + "every job) from now on, and `progress` of running jobs as it changes. With Last-Event-ID it "
                    + "resumes after that event instead, missing and repeating none.")
    @ApiResponse(
            responseCode = "200",
            description = "the stream",
            content =
                    @Content(
                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema =
                                    @Schema(
                                            description = EVENT_DATA,
                                            oneOf = {
                                                JobEvent.StateChange.class,
                                                JobMetricsRepository.EpochMetric.class,
                                                CheckpointView.class,
                                                JobEventHub.ProgressEvent.class
                                            })))
    ResponseEntity<SseEmitter> allEvents(
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = "the id of the last event received, to resume after it")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId) {
        EventCursor from = EventCursor.parse(lastEventId, null);
        SseEmitter emitter = new SseEmitter(settings.maxStreamDuration().toMillis());
        EventStream stream = hub.openAllJobsStream(caller, from, event -> send(emitter, event), emitter::complete);
        return streaming(emitter, stream);
    }

    /** The long poll of {@code GET /api/v1/jobs/{id}}, whose OpenAPI operation documents its parameters. */
    @GetMapping(path = "/api/v1/jobs/{id}", params = "waitFor", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(hidden = true)
    DeferredResult<ResponseEntity<JobView>> await(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "`terminal` or `change`") @RequestParam String waitFor,
            @Parameter(
                            description = "the longest wait: 30s (the default), 500ms, 2m; at most "
                                    + "trainyard.events.max-wait (60s by default)")
                    @RequestParam(required = false)
                    String timeout,
            @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
        String clientEtag = ifNoneMatch == null ? null : WaitCondition.etagOf(ifNoneMatch);
        Duration wait = WaitCondition.timeout(timeout, settings.maxWait());
        JobSnapshot now = jobs.snapshot(jobs.get(caller, id));
        Predicate<JobSnapshot> until = WaitCondition.of(waitFor, clientEtag == null ? now.etag() : clientEtag);
        CompletableFuture<JobSnapshot> answer = hub.await(caller, now, until, wait);
        DeferredResult<ResponseEntity<JobView>> result = new DeferredResult<>(
                wait.plus(WAIT_GRACE).toMillis(), () -> answer(jobs.snapshot(jobs.get(caller, id)), clientEtag));
        answer.whenComplete((snapshot, error) -> {
            if (error != null) {
                result.setErrorResult(error);
            } else {
                result.setResult(answer(snapshot, clientEtag));
            }
        });
        result.onCompletion(() -> answer.cancel(false));
        return result;
    }

    private ResponseEntity<JobView> answer(JobSnapshot snapshot, String clientEtag) {
        if (snapshot.etag().equals(clientEtag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(snapshot.etag())
                    .build();
        }
        return ResponseEntity.ok().eTag(snapshot.etag()).body(jobs.details(snapshot));
    }

    private static ResponseEntity<SseEmitter> streaming(SseEmitter emitter, EventStream stream) {
        emitter.onCompletion(stream::close);
        emitter.onTimeout(stream::close);
        emitter.onError(error -> stream.close());
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                // why: nginx (and ingress-nginx) would otherwise buffer the stream
                .header("X-Accel-Buffering", "no")
                .body(emitter);
    }

    private static void send(SseEmitter emitter, List<StreamEvent> events) throws IOException {
        Set<ResponseBodyEmitter.DataWithMediaType> message = new LinkedHashSet<>();
        for (StreamEvent event : events) {
            SseEmitter.SseEventBuilder builder = event.isComment()
                    ? SseEmitter.event().comment("heartbeat")
                    : SseEmitter.event().id(event.id()).name(event.name()).data(event.data(), JSON_TEXT);
            message.addAll(builder.build());
        }
        emitter.send(message);
    }
}
