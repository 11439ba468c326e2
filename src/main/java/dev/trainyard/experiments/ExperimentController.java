package dev.trainyard.experiments;

import dev.trainyard.security.Caller;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.JobArtifacts;
import dev.trainyard.system.PageCursor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

/** The experiments API. Callers see their own experiments; an admin token sees every one. */
@RestController
@RequestMapping(path = "/api/v1/experiments", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "experiments")
class ExperimentController {

    /** Past this a client wants every step: leave {@code points} out. */
    private static final int MAX_POINTS = 1_000_000;

    private final ExperimentService experiments;
    private final ExperimentResults results;
    private final JobArtifacts artifacts;

    ExperimentController(ExperimentService experiments, ExperimentResults results, JobArtifacts artifacts) {
        this.experiments = experiments;
        this.results = results;
        this.artifacts = artifacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Create an experiment: trials of a base job spec over a search space",
            description = "Every trial's spec is the base with the search's paths set, checked as a job submission "
                    + "is; a trial that would be refused makes the whole experiment 400, naming it (trials[k].field). "
                    + "The experiment, all its trials and the first `parallelism` of their jobs are stored at once "
                    + "(201); later trials are queued as earlier ones end. With an Idempotency-Key, a repeat of the "
                    + "same request within 24 h answers the experiment the first one created (201, header "
                    + "Idempotent-Replayed: true) and a different request with the key answers 422. Past the caller's "
                    + "limit of running experiments: 429 with Retry-After.")
    ResponseEntity<ExperimentView> create(
            @AuthenticationPrincipal Caller caller,
            @RequestBody ExperimentSpec spec,
            @Parameter(description = "the client's unique key for this creation, 1 to 200 visible ASCII characters")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey) {
        ExperimentService.Creation creation = experiments.create(caller, spec, idempotencyKey);
        Experiment experiment = creation.experiment();
        ResponseEntity.BodyBuilder created =
                ResponseEntity.created(URI.create("/api/v1/experiments/" + experiment.id()));
        if (creation.replayed()) {
            created.header("Idempotent-Replayed", "true");
        }
        return created.body(results.view(experiment, true));
    }

    @GetMapping
    @Operation(summary = "List experiments, newest first")
    ExperimentPage list(
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = "page size, 1..100") @RequestParam(defaultValue = "20") int limit,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > ExperimentService.MAX_PAGE) {
            throw InvalidRequestException.of(
                    "limit", "must be between 1 and " + ExperimentService.MAX_PAGE + " (was " + limit + ")");
        }
        List<Experiment> page = experiments.list(caller, PageCursor.decode(cursor), limit);
        return new ExperimentPage(
                page.stream().map(experiment -> results.view(experiment, false)).toList(),
                page.size() == limit
                        ? PageCursor.encode(page.get(page.size() - 1).seq())
                        : null);
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "An experiment's trials with their parameters, state, objective value and rank",
            description = "The best trial is the best-ranked one that SUCCEEDED.")
    ExperimentView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return results.view(experiments.get(caller, id), true);
    }

    @GetMapping(path = "/{id}/trials", produces = "text/csv")
    @Operation(
            summary = "The trial table as CSV",
            description = "One row per trial: number, job, state, epochs, objective, rank, one column per search path "
                    + "and why it was stopped.")
    ResponseEntity<String> trials(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Experiment experiment = experiments.get(caller, id);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
                .header(HttpHeaders.CONTENT_DISPOSITION, attachment("experiment-" + id + "-trials.csv"))
                .body(results.csv(experiment));
    }

    @PostMapping("/{id}/cancel")
    @Operation(
            summary = "Cancel an experiment",
            description = "No further trial is launched; its queued trials are cancelled and its running trials stop "
                    + "before their next step. An experiment that is no longer running answers 409.")
    ExperimentView cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return results.view(experiments.cancel(caller, id), true);
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Delete a finished experiment",
            description = "Removes a COMPLETED or CANCELLED experiment with its trials and their jobs: results, "
                    + "checkpoints, models and logs (204). A running experiment answers 409: cancel it first; so does "
                    + "a cancelled one whose trials are still stopping, for the moment they take.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        experiments.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/comparison")
    @Operation(
            summary = "Every trial's learning rate per step and validation curves, side by side",
            description = "Accept: image/svg+xml gives a chart: the schedules and the objective's metric of all trials "
                    + "on shared axes, the best in vermillion. A large experiment's JSON holds millions of steps: "
                    + "`points` thins each trial's rates to at most that many, keeping the steps whose number is a "
                    + "multiple of a stride and the last.")
    ExperimentComparison comparison(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @Parameter(description = "at most this many steps per trial, 1.." + MAX_POINTS + "; every step without it")
                    @RequestParam(required = false)
                    Integer points) {
        if (points != null && (points < 1 || points > MAX_POINTS)) {
            throw InvalidRequestException.of("points", "must be between 1 and " + MAX_POINTS + " (was " + points + ")");
        }
        return results.comparison(experiments.get(caller, id), points == null ? Integer.MAX_VALUE : points);
    }

    @GetMapping(path = "/{id}/comparison", produces = "image/svg+xml")
    ResponseEntity<String> comparisonChart(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("image/svg+xml"))
                .body(results.comparisonChart(experiments.get(caller, id)));
    }

    @GetMapping(path = "/{id}/model", produces = "application/zip")
    @Operation(
            summary = "Download the best trial's model",
            description = "The final model of the best-ranked trial that SUCCEEDED, as GET /jobs/{id}/model gives it. "
                    + "409 until a trial has succeeded.")
    ResponseEntity<Resource> model(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Trial best = results.bestTrial(experiments.get(caller, id));
        Path file = artifacts.folder(best.jobId()).model();
        if (!Files.isRegularFile(file)) {
            throw new NoBestTrialException(id);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        attachment(best.spec().model() + "-" + best.jobId() + "-last.zip"))
                .body(new FileSystemResource(file));
    }

    private static String attachment(String filename) {
        return ContentDisposition.attachment().filename(filename).build().toString();
    }
}
