package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trainyard.system.JobFolder;
import dev.trainyard.system.Label;
import dev.trainyard.training.Checkpoint;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.TrainingRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.function.LongSupplier;

/**
 * A training job as submitted. Every field is optional; {@link #withDefaults} fills in the rest and the response
 * shows the result (the effective spec).
 *
 * @param name      a label, up to 100 characters (default: model and dataset)
 * @param model     {@code seednet} (default), {@code lenet5} or {@code resnet20}
 * @param augment   normalisation, random crops and flips (default: all on, crop 4)
 * @param epochs    1..1000 (default 10)
 * @param batchSize 1..4096 (default 64); steps per epoch are ceil(training images / batchSize)
 * @param seed      seeds weight initialisation and shuffling (default: drawn at submission and shown)
 * @param priority  -100..100, higher runs first (default 0)
 * @param webhook   JSON {@code notify}: a webhook told of the job's events (default none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A training job")
@WarmupEndsBeforeLastEpoch
public record JobSpec(
        @Schema(maxLength = Label.MAX_LENGTH) @Label String name,

        @Schema(defaultValue = "seednet") ModelArchitecture model,

        @Valid DatasetSpec dataset,
        @Valid AugmentSpec augment,

        @Schema(defaultValue = "10") @Min(value = 1, message = EPOCHS) @Max(value = 1000, message = EPOCHS)
        Integer epochs,

        @Schema(defaultValue = "64") @Min(value = 1, message = BATCH_SIZE) @Max(value = 4096, message = BATCH_SIZE)
        Integer batchSize,

        @Valid OptimizerSpec optimizer,
        @Valid ScheduleSpec schedule,
        Long seed,

        @Schema(defaultValue = "0") @Min(value = -100, message = PRIORITY) @Max(value = 100, message = PRIORITY)
        Integer priority,

        @JsonProperty("notify") @Valid NotifySpec webhook)
        implements ScheduledRun {

    static final String EPOCHS = "must be between 1 and 1000 (was ${validatedValue})";
    static final String BATCH_SIZE = "must be between 1 and 4096 (was ${validatedValue})";
    static final String PRIORITY = "must be between -100 and 100 (was ${validatedValue})";

    static final int DEFAULT_EPOCHS = 10;
    static final int DEFAULT_BATCH_SIZE = 64;

    public JobSpec withDefaults(LongSupplier seeds) {
        ModelArchitecture effectiveModel = model == null ? ModelArchitecture.SEEDNET : model;
        DatasetSpec effectiveDataset = (dataset == null ? DatasetSpec.UNSET : dataset).withDefaults();
        return new JobSpec(
                name == null ? effectiveModel + " on " + effectiveDataset.name() : name,
                effectiveModel,
                effectiveDataset,
                (augment == null ? new AugmentSpec(null, null, null) : augment).withDefaults(),
                epochs == null ? DEFAULT_EPOCHS : epochs,
                batchSize == null ? DEFAULT_BATCH_SIZE : batchSize,
                (optimizer == null ? new OptimizerSpec(null, null, null, null) : optimizer).withDefaults(),
                (schedule == null ? ScheduleSpec.UNSET : schedule).withDefaults(),
                seed == null ? seeds.getAsLong() : seed,
                priority == null ? 0 : priority,
                webhook == null ? null : webhook.withDefaults());
    }

    @Override
    public Integer epochsToSchedule() {
        return epochs == null ? DEFAULT_EPOCHS : epochs;
    }

    /** What the trainer runs for this spec, writing to {@code files}. Call on the effective spec. */
    public TrainingRequest toTrainingRequest(JobFolder files, Checkpoint resumeFrom) {
        return new TrainingRequest(
                model,
                dataset.toChoice(),
                augment.toAugmentation(),
                epochs,
                batchSize,
                optimizer.toOptimizer(),
                schedule::toSchedule,
                seed,
                files,
                resumeFrom);
    }
}
