package dev.trainyard.jobs;

import dev.trainyard.security.Caller;
import dev.trainyard.system.DataDirectory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The jobs API. Callers see their own jobs; an admin token sees every job. */
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "jobs")
class JobController {

    private final JobService jobs;
    private final DataDirectory dataDirectory;

    JobController(JobService jobs, DataDirectory dataDirectory) {
        this.jobs = jobs;
        this.dataDirectory = dataDirectory;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Submit a training job", description = "Unset fields take defaults; the response shows the "
            + "effective spec. Unknown fields and out-of-range values answer 400 and store nothing.")
    ResponseEntity<JobView> submit(@AuthenticationPrincipal Caller caller, @RequestBody JobSpec spec) {
        Job job = jobs.submit(caller, spec);
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id())).body(view(job));
    }

    @GetMapping
    @Operation(summary = "List jobs, newest first")
    JobPage list(@AuthenticationPrincipal Caller caller,
                 @Parameter(description = "only jobs in this state") @RequestParam(required = false) JobState state,
                 @Parameter(description = "page size, 1..100") @RequestParam(defaultValue = "20") int limit,
                 @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false)
                 String cursor) {
        if (limit < 1 || limit > JobService.MAX_PAGE) {
            throw dev.trainyard.system.InvalidRequestException.of("limit",
                    "must be between 1 and " + JobService.MAX_PAGE + " (was " + limit + ")");
        }
        List<Job> page = jobs.list(caller, state, PageCursor.decode(cursor), limit);
        List<JobView> items = page.stream().map(job -> JobView.of(job, null, null)).toList();
        String next = page.size() == limit ? PageCursor.encode(page.get(page.size() - 1).seq()) : null;
        return new JobPage(items, next);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A job's state, progress and per-epoch results")
    JobView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return view(jobs.get(caller, id));
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A queued job is cancelled at once; a running job stops "
            + "before its next training step (202). A finished job answers 409.")
    ResponseEntity<JobView> cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Job job = jobs.cancel(caller, id);
        return ResponseEntity.status(job.state() == JobState.CANCELLED ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(view(job));
    }

    @GetMapping("/{id}/metrics")
    @Operation(summary = "Per-step loss and learning rate, and per-epoch results")
    JobMetricsView metrics(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Job job = jobs.get(caller, id);
        return new JobMetricsView(job.id(), jobs.steps(job), jobs.epochs(job));
    }

    @GetMapping(path = "/{id}/model", produces = "application/zip")
    @Operation(summary = "Download the trained model", description = "A DL4J ModelSerializer zip with the updater "
            + "state; load it with ModelSerializer.restoreMultiLayerNetwork. 409 until the job has SUCCEEDED.")
    ResponseEntity<Resource> model(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Job job = jobs.get(caller, id);
        Path file = dataDirectory.model(id);
        if (job.state() != JobState.SUCCEEDED || !Files.isRegularFile(file)) {
            throw new ModelNotReadyException(id, job.state());
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(job.spec().model() + "-" + id + ".zip").build().toString())
                .body(new FileSystemResource(file));
    }

    private JobView view(Job job) {
        return JobView.of(job, job.state() == JobState.QUEUED ? jobs.queuePosition(job) : null, jobs.epochs(job));
    }
}
