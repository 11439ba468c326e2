package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.Locale;

/**
 * When to stop a trial early, decided on the objective's metric each time a trial records an epoch.
 *
 * @param rule            {@code median}: stop a trial whose best value so far is worse than the median of the other
 *                        trials' running means at the same epoch; {@code asha}: asynchronous successive halving, a
 *                        trial reaching a rung continues only if it is in the top 1/reductionFactor of the trials that
 *                        reached the rung before it
 * @param graceEpochs     median: no trial is stopped before this epoch (default 1)
 * @param minTrials       median: other trials that must have reached the epoch (default 3)
 * @param minEpochs       asha: the first rung, in epochs (default 1); rungs at minEpochs times powers of the factor
 * @param reductionFactor asha: keep the top 1/this at each rung (default 3)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Early stopping: the median rule or ASHA")
public record EarlyStoppingSpec(
        @NotNull(message = "is required: median or asha") Rule rule,

        @Min(value = 1, message = EPOCHS) @Max(value = 1000, message = EPOCHS)
        Integer graceEpochs,

        @Min(value = 1, message = COUNT) @Max(value = 1000, message = COUNT)
        Integer minTrials,

        @Min(value = 1, message = EPOCHS) @Max(value = 1000, message = EPOCHS)
        Integer minEpochs,

        @Min(value = 2, message = FACTOR) @Max(value = 100, message = FACTOR)
        Integer reductionFactor) {

    static final String EPOCHS = "must be between 1 and 1000 (was ${validatedValue})";
    static final String COUNT = "must be between 1 and 1000 (was ${validatedValue})";
    static final String FACTOR = "must be between 2 and 100 (was ${validatedValue})";

    public enum Rule {
        MEDIAN,
        ASHA;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    EarlyStoppingSpec withDefaults() {
        return switch (rule) {
            case MEDIAN ->
                new EarlyStoppingSpec(
                        rule, graceEpochs == null ? 1 : graceEpochs, minTrials == null ? 3 : minTrials, null, null);
            case ASHA ->
                new EarlyStoppingSpec(
                        rule,
                        null,
                        null,
                        minEpochs == null ? 1 : minEpochs,
                        reductionFactor == null ? 3 : reductionFactor);
        };
    }
}
