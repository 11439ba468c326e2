package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An experiment as the API shows it.
 *
 * @param spec        the effective spec: what was sent plus every default (the seed, the number of trials)
 * @param trialStates how many trials are in each state
 * @param best        the best-ranked trial that SUCCEEDED, whose model {@code /model} gives
 * @param trials      every trial in order (omitted in lists)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentView(
        UUID id,
        String name,
        String owner,
        ExperimentState state,
        Instant submittedAt,
        Instant finishedAt,
        ExperimentSpec spec,
        Map<String, Long> trialStates,
        TrialView best,
        List<TrialView> trials) {

    /**
     * One trial.
     *
     * @param trial          its number, 0-based
     * @param job            its job, once launched
     * @param state          its job's state; PENDING before launch, NOT_RUN when the experiment was cancelled first,
     *                       DELETED when its job was deleted
     * @param parameters     the values the search gave it, by spec path
     * @param epochs         epochs it recorded
     * @param objective      the objective's value (final or best, as the objective says)
     * @param rank           1 for the best objective value
     * @param stoppedBecause why early stopping stopped it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrialView(
            int trial,
            UUID job,
            String state,

            @Schema(description = "the search's values by spec path, each any JSON value")
            Map<String, Object> parameters,

            Integer epochs,
            Double objective,
            Integer rank,
            String stoppedBecause) {}
}
