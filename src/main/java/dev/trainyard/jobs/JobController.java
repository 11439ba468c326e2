package dev.trainyard.jobs;

import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.security.Caller;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.JobArtifacts;
import dev.trainyard.system.PageCursor;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.CheckpointStore;
import dev.trainyard.training.ConfusionMatrix;
import dev.trainyard.training.ModelExport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import tools.jackson.databind.json.JsonMapper;

/** The jobs API. Callers see their own jobs; an admin token sees every job. */
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "jobs")
class JobController {

    private final JobService jobs;
    private final PredictionService predictions;
    private final JobArtifacts artifacts;
    private final JsonMapper json;

    JobController(JobService jobs, PredictionService predictions, JobArtifacts artifacts, JsonMapper json) {
        this.jobs = jobs;
        this.predictions = predictions;
        this.artifacts = artifacts;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Submit a training job",
            description = "Unset fields take defaults; the response shows the "
                    + "effective spec. Unknown fields and out-of-range values answer 400 and store nothing. With an "
                    + "Idempotency-Key, a repeat of the same request within 24 h answers the job the first one created "
                    + "(201, header Idempotent-Replayed: true) and a different request with the key answers 422. Past the "
                    + "caller's limit of queued jobs: 429 with Retry-After.")
    ResponseEntity<JobView> submit(
            @AuthenticationPrincipal Caller caller,
            @RequestBody JobSpec spec,
            @Parameter(
                            description = "the client's unique key for this submission, 1 to 200 "
                                    + "visible ASCII characters")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey) {
        JobService.Submission submission = jobs.submit(caller, spec, idempotencyKey);
        Job job = submission.job();
        ResponseEntity.BodyBuilder created = ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()));
        if (submission.replayed()) {
            created.header("Idempotent-Replayed", "true");
        }
        return created.body(view(job));
    }

    @GetMapping
    @Operation(summary = "List jobs, newest first")
    JobPage list(
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = "only jobs in this state") @RequestParam(required = false) JobState state,
            @Parameter(description = "page size, 1..100") @RequestParam(defaultValue = "20") int limit,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > JobService.MAX_PAGE) {
            throw InvalidRequestException.of(
                    "limit", "must be between 1 and " + JobService.MAX_PAGE + " (was " + limit + ")");
        }
        List<Job> page = jobs.list(caller, state, PageCursor.decode(cursor), limit);
        List<JobView> items = jobs.summaries(page);
        String next = page.size() == limit
                ? PageCursor.encode(page.get(page.size() - 1).seq())
                : null;
        return new JobPage(items, next);
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "A job's state, progress and per-epoch results; with waitFor, once it finished or changed",
            description = "The ETag changes whenever the job or its place in the queue does; with If-None-Match set "
                    + "to it the answer is 304 until then. With waitFor (a long poll, no server thread waits): "
                    + "`terminal` answers as soon as the job is SUCCEEDED, FAILED, CANCELLED or STOPPED; `change` as soon as "
                    + "its ETag differs from If-None-Match (or from its ETag when the request came, without one). At "
                    + "the timeout the answer is the job as it is then, or 304 when that still matches If-None-Match.",
            parameters = {
                @Parameter(
                        in = ParameterIn.QUERY,
                        name = "waitFor",
                        description = "`terminal` or `change`: wait for that before answering",
                        schema =
                                @Schema(
                                        type = "string",
                                        allowableValues = {"terminal", "change"})),
                @Parameter(
                        in = ParameterIn.QUERY,
                        name = "timeout",
                        description = "with waitFor, the longest wait: 30s (the default), 500ms, 2m; at most "
                                + "trainyard.events.max-wait (60s by default)",
                        schema = @Schema(type = "string"))
            })
    ResponseEntity<JobView> get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, WebRequest request) {
        JobSnapshot snapshot = jobs.snapshot(jobs.get(caller, id));
        if (request.checkNotModified(snapshot.etag())) {
            return null;
        }
        return ResponseEntity.ok().eTag(snapshot.etag()).body(jobs.details(snapshot));
    }

    @PostMapping("/{id}/cancel")
    @Operation(
            summary = "Cancel a job",
            description = "A queued job is cancelled at once; a running job stops "
                    + "before its next training step (202). A finished job answers 409.")
    ResponseEntity<JobView> cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        JobService.CancelOutcome outcome = jobs.cancel(caller, id);
        return ResponseEntity.status(outcome.cancelled() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(view(outcome.job()));
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Delete a finished job",
            description =
                    "Removes a SUCCEEDED, FAILED, CANCELLED or STOPPED job with "
                            + "its results, checkpoints, model and log (204). A queued or running job answers 409: cancel it first.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        jobs.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/retry")
    @Operation(
            summary = "Retry a failed job",
            description = "Queues a FAILED job again (200); it resumes from its "
                    + "newest checkpoint, e.g. after a disk_full once space is free, with its attempts counted afresh. Other "
                    + "states answer 409; past the caller's limit of queued jobs, 429.")
    JobView retry(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return view(jobs.retry(caller, id));
    }

    @GetMapping("/{id}/metrics")
    @Operation(
            summary = "Per-step loss and learning rate, and per-epoch results",
            description = "Accept: image/svg+xml gives a chart: the learning rate applied at each step, then loss and "
                    + "accuracy by epoch.")
    JobMetricsView metrics(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Job job = jobs.get(caller, id);
        return new JobMetricsView(job.id(), jobs.steps(job), jobs.epochs(job));
    }

    @GetMapping(path = "/{id}/metrics", produces = "image/svg+xml")
    ResponseEntity<String> metricsChart(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Job job = jobs.get(caller, id);
        return svg(JobCharts.curves(
                job.spec().name(), jobs.steps(job), job.progress().stepsPerEpoch(), jobs.epochs(job)));
    }

    @GetMapping("/{id}/evaluation")
    @Operation(
            summary = "Per-class accuracy and the confusion matrix of the final model",
            description = "On the "
                    + "test images, else the validation images. Accept: image/svg+xml renders the matrix. 409 until the job "
                    + "has SUCCEEDED.")
    ConfusionMatrix evaluation(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) throws IOException {
        return confusionMatrix(jobs.get(caller, id));
    }

    @GetMapping(path = "/{id}/evaluation", produces = "image/svg+xml")
    ResponseEntity<String> evaluationChart(@AuthenticationPrincipal Caller caller, @PathVariable UUID id)
            throws IOException {
        Job job = jobs.get(caller, id);
        return svg(JobCharts.confusion(job.spec().name(), confusionMatrix(job)));
    }

    private ConfusionMatrix confusionMatrix(Job job) throws IOException {
        Path file = artifacts.folder(job.id()).evaluation();
        if (job.state() != JobState.SUCCEEDED || !Files.isRegularFile(file)) {
            throw new ModelNotReadyException(job.id(), job.state());
        }
        return json.readValue(Files.readString(file), ConfusionMatrix.class);
    }

    private static ResponseEntity<String> svg(String chart) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("image/svg+xml"))
                .body(chart);
    }

    @GetMapping(path = "/{id}/model", produces = "application/zip")
    @Operation(
            summary = "Download the trained model",
            description = "A DL4J ModelSerializer zip with the updater "
                    + "state that DL4J alone can load: ModelSerializer.restoreMultiLayerNetwork (seednet, lenet5) or "
                    + "restoreComputationGraph (resnet20); its updaters carry, as a fixed rate, the rate of the step the "
                    + "network would take next. which=last (default): the final model, 409 until the job has SUCCEEDED; "
                    + "which=best: the checkpoint with the best validation accuracy.")
    ResponseEntity<Resource> model(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "last or best") @RequestParam(defaultValue = "last") ModelChoice which)
            throws IOException {
        Job job = jobs.get(caller, id);
        Resource model = switch (which) {
            case BEST -> {
                CheckpointStore store = new CheckpointStore(artifacts.folder(id).checkpoints());
                Path best = JobLifecycle.best(jobs.checkpoints(job))
                        .map(store::file)
                        .orElseThrow(() -> new ModelNotReadyException(id, job.state()));
                yield new ByteArrayResource(ModelExport.of(job.spec().model(), best));
            }
            case LAST -> {
                Path file = artifacts.folder(id).model();
                if (job.state() != JobState.SUCCEEDED || !Files.isRegularFile(file)) {
                    throw new ModelNotReadyException(id, job.state());
                }
                yield new FileSystemResource(file);
            }
        };
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(job.spec().model() + "-" + id + "-" + which + ".zip")
                                .build()
                                .toString())
                .body(model);
    }

    @GetMapping("/{id}/checkpoints")
    @Operation(
            summary = "A job's checkpoints",
            description = "Written after every epoch and when the job stops; "
                    + "an interrupted job resumes from the newest.")
    List<CheckpointView> checkpoints(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        List<Checkpoint> recorded = jobs.checkpoints(jobs.get(caller, id));
        Long best = JobLifecycle.best(recorded).map(Checkpoint::step).orElse(null);
        return recorded.stream()
                .map(checkpoint -> CheckpointView.of(checkpoint, best != null && best == checkpoint.step()))
                .toList();
    }

    @PostMapping(
            path = "/{id}/predictions",
            consumes = {"image/png", "image/jpeg", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    @Operation(
            summary = "Classify an image with the job's model",
            description = "The body is one PNG or JPEG image "
                    + "(up to trainyard.http.max-image-body, 10 MB by default, and trainyard.images.max-pixels, 25 million "
                    + "pixels), or use multipart with a part named 'image'. 409 until the job has SUCCEEDED; 400 for a body "
                    + "that is not a PNG or JPEG image.")
    PredictionView predict(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "how many classes, 1..100") @RequestParam(defaultValue = "5") int top,
            jakarta.servlet.http.HttpServletRequest request)
            throws IOException {
        // the body is capped at trainyard.http.max-image-body as it is read (RequestBodies)
        return prediction(caller, id, top, request.getInputStream().readAllBytes());
    }

    @PostMapping(path = "/{id}/predictions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    PredictionView predictMultipart(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestParam(defaultValue = "5") int top,
            @RequestParam("image") org.springframework.web.multipart.MultipartFile image)
            throws IOException {
        return prediction(caller, id, top, image.getBytes());
    }

    private PredictionView prediction(Caller caller, UUID id, int top, byte[] image) {
        if (top < 1 || top > 100) {
            throw InvalidRequestException.of("top", "must be between 1 and 100 (was " + top + ")");
        }
        Job job = jobs.get(caller, id);
        return new PredictionView(id, predictions.predict(job, image, top));
    }

    private JobView view(Job job) {
        return jobs.details(jobs.snapshot(job));
    }
}
