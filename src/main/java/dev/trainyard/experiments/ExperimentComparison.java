package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Arrays;
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

    public record LearningRates(long[] steps, double[] values) {

        /**
         * At most {@code points} of these steps: those whose number is a multiple of a stride, and the last. Trials
         * of the same length keep the same steps, so their curves share x values.
         */
        LearningRates thinned(int points) {
            if (steps.length <= points) {
                return this;
            }
            long last = steps[steps.length - 1];
            long stride = points == 1 ? Long.MAX_VALUE : (last + points - 1) / (points - 1);
            long[] keptSteps = new long[points];
            double[] keptValues = new double[points];
            int kept = 0;
            for (int i = 0; i < steps.length; i++) {
                if ((steps[i] % stride == 0 && kept < points - 1) || i == steps.length - 1) {
                    keptSteps[kept] = steps[i];
                    keptValues[kept] = values[i];
                    kept++;
                }
            }
            return new LearningRates(Arrays.copyOf(keptSteps, kept), Arrays.copyOf(keptValues, kept));
        }
    }

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
