package dev.trainyard.jobs;

import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.data.Minibatches;
import dev.trainyard.jobs.spec.DatasetSpec;
import dev.trainyard.jobs.spec.SchedulePreviewRequest;
import dev.trainyard.jobs.spec.ScheduleSpec;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.schedule.SchedulePreview;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.RequestValidation;
import dev.trainyard.system.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shows a schedule before training with it: the very object a job would train under, sampled by step. */
@RestController
@RequestMapping("/api/v1/schedules")
@Tag(name = "schedules")
class ScheduleController {

    static final MediaType CSV = MediaType.parseMediaType("text/csv");
    static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");
    private static final List<MediaType> OFFERED = List.of(MediaType.APPLICATION_JSON, CSV, SVG);

    private final DatasetCatalog datasets;
    private final RequestValidation validation;

    ScheduleController(DatasetCatalog datasets, RequestValidation validation) {
        this.datasets = datasets;
        this.validation = validation;
    }

    @PostMapping(
            path = "/preview",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv", "image/svg+xml"})
    @Operation(
            summary = "Preview a learning-rate schedule",
            description = "JSON by default; Accept: text/csv gives "
                    + "step,epoch,lr rows and Accept: image/svg+xml a chart with the warmup boundary marked.")
    ResponseEntity<?> preview(
            @RequestBody SchedulePreviewRequest request,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        Violations violations = new Violations();
        validation.check(request, violations);
        if (request.dataset() != null) {
            datasets.checkFolders(request.dataset().toChoice(), "dataset", violations);
        }
        violations.throwIfAny();
        int stepsPerEpoch = request.stepsPerEpoch() != null
                ? request.stepsPerEpoch()
                : Minibatches.stepsPerEpoch(
                        datasets.trainSize(
                                (request.dataset() == null ? DatasetSpec.UNSET : request.dataset()).toChoice()),
                        request.batchSize());
        ScheduleSpec schedule = request.schedule() == null ? ScheduleSpec.UNSET : request.schedule();
        schedule.requireFits(request.epochs(), stepsPerEpoch);
        LearningRateSchedule trained = schedule.toSchedule(request.epochs(), stepsPerEpoch);
        int maxPoints = request.maxPoints() == null ? SchedulePreviewRequest.DEFAULT_MAX_POINTS : request.maxPoints();
        if (trained.totalSteps() > maxPoints && maxPoints < SchedulePreview.minimumPoints(trained)) {
            throw InvalidRequestException.of(
                    "maxPoints",
                    "must be at least " + SchedulePreview.minimumPoints(trained)
                            + " for this schedule of " + trained.totalSteps()
                            + " steps: its first and last steps and both "
                            + "sides of the warmup's end are always shown (was " + maxPoints + ")");
        }
        SchedulePreview preview = SchedulePreview.of(trained, stepsPerEpoch, maxPoints);
        MediaType type = negotiate(accept);
        if (CSV.equals(type)) {
            return ResponseEntity.ok().contentType(CSV).body(preview.toCsv());
        }
        if (SVG.equals(type)) {
            return ResponseEntity.ok().contentType(SVG).body(preview.toSvg());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(preview);
    }

    private static MediaType negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return MediaType.APPLICATION_JSON;
        }
        List<MediaType> wanted = MediaType.parseMediaTypes(accept);
        MimeTypeUtils.sortBySpecificity(wanted);
        wanted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType candidate : wanted) {
            for (MediaType offered : OFFERED) {
                if (candidate.includes(offered)) {
                    return offered;
                }
            }
        }
        return MediaType.APPLICATION_JSON;
    }
}
