package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every trial's learning rate per step and results per epoch, side by side.
 *
 * @param best the number of the best trial, when one SUCCEEDED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentComparison(
        UUID id, String name, ObjectiveSpec objective, Integer best, List<TrialCurves> trials) {

    /**
     * @param learningRates the rate applied at each recorded step, as parallel arrays
     * @param epochs        the results of each recorded epoch
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrialCurves(
            int trial,
            UUID job,
            String state,

            @Schema(description = "the search's values by spec path, each any JSON value")
            Map<String, Object> parameters,

            Double objective,
            Integer rank,
            LearningRates learningRates,
            List<EpochResult> epochs) {}

    public record LearningRates(long[] steps, double[] values) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EpochResult(int epoch, double trainLoss, Double validationLoss, Double validationAccuracy) {

        static EpochResult of(ExperimentRepository.TrialEpoch recorded) {
            return new EpochResult(
                    recorded.epoch(), recorded.trainLoss(), recorded.validationLoss(), recorded.validationAccuracy());
        }

        /** The metric's value in this epoch; null when the epoch has none (no validation split). */
        Double value(ObjectiveSpec.Metric metric) {
            return switch (metric) {
                case VALIDATION_ACCURACY -> validationAccuracy;
                case VALIDATION_LOSS -> validationLoss;
                case TRAIN_LOSS -> trainLoss;
            };
        }
    }
}
