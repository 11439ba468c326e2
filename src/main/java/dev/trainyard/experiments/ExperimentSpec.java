package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.jobs.spec.JobSpec;
import dev.trainyard.system.Label;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * An experiment as submitted: every trial is {@code base} with the search's parameters set. Unset fields take
 * defaults; the response shows the result.
 *
 * @param name          a label, up to 100 characters (default: the base spec's model and "experiment")
 * @param base          the job spec every trial starts from
 * @param search        grid or random, over spec paths such as {@code schedule.baseLr}
 * @param seed          seeds the random draws and the seeds of trials whose spec sets none (default: drawn and shown)
 * @param maxTrials     random: how many trials (default 10); grid: at most this many combinations (default: all)
 * @param parallelism   how many trials are queued or running at once (default 1)
 * @param objective     what ranks the trials (default: final validation accuracy, maximised)
 * @param earlyStopping a rule that stops trials that fall behind (default none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An experiment: trials of a base job spec over a search space")
public record ExperimentSpec(
        @Schema(maxLength = Label.MAX_LENGTH) @Label String name,

        @NotNull(message = "is required: the job spec every trial starts from")
        JobSpec base,

        @NotNull(message = "is required: grid or random, with parameters") @Valid
        SearchSpec search,

        Long seed,
        @Min(value = 1, message = TRIALS) Integer maxTrials,

        @Schema(defaultValue = "1") @Min(value = 1, message = PARALLELISM) @Max(value = 100, message = PARALLELISM)
        Integer parallelism,

        @Valid ObjectiveSpec objective,
        @Valid EarlyStoppingSpec earlyStopping) {

    static final String TRIALS = "must be at least 1 (was ${validatedValue})";
    static final String PARALLELISM = "must be between 1 and 100 (was ${validatedValue})";
    static final int DEFAULT_RANDOM_TRIALS = 10;

    /** This spec with every default filled in; {@code maxTrials} becomes the number of trials. */
    ExperimentSpec withDefaults(long drawnSeed, int trials) {
        return new ExperimentSpec(
                name == null ? (base.model() == null ? "seednet" : base.model().toString()) + " experiment" : name,
                base,
                search,
                seed == null ? drawnSeed : seed,
                trials,
                parallelism == null ? 1 : parallelism,
                (objective == null ? ObjectiveSpec.UNSET : objective).withDefaults(),
                earlyStopping == null ? null : earlyStopping.withDefaults());
    }
}
