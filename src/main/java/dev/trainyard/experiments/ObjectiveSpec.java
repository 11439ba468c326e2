package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;

/**
 * What ranks the trials.
 *
 * @param metric    {@code validationAccuracy} (default), {@code validationLoss} or {@code trainLoss}, per epoch; the
 *                  validation metrics need a validation split in every trial
 * @param goal      {@code maximize} or {@code minimize} (default: maximize for accuracy, minimize for a loss)
 * @param aggregate {@code final} (default): the last recorded epoch's value; {@code best}: the best epoch's
 */
@Schema(description = "The metric that ranks trials")
public record ObjectiveSpec(Metric metric, Goal goal, Aggregate aggregate) {

    static final ObjectiveSpec UNSET = new ObjectiveSpec(null, null, null);

    public enum Metric {
        VALIDATION_ACCURACY("validationAccuracy"),
        VALIDATION_LOSS("validationLoss"),
        TRAIN_LOSS("trainLoss");

        private final String json;

        Metric(String json) {
            this.json = json;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }

        boolean needsValidation() {
            return this != TRAIN_LOSS;
        }
    }

    public enum Goal {
        MAXIMIZE,
        MINIMIZE;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Aggregate {
        FINAL,
        BEST;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    ObjectiveSpec withDefaults() {
        Metric effective = metric == null ? Metric.VALIDATION_ACCURACY : metric;
        return new ObjectiveSpec(
                effective,
                goal != null ? goal : effective == Metric.VALIDATION_ACCURACY ? Goal.MAXIMIZE : Goal.MINIMIZE,
                aggregate == null ? Aggregate.FINAL : aggregate);
    }

    /** A value where higher is better: the metric itself when maximised, its negation when minimised. */
    double score(double value) {
        return goal == Goal.MAXIMIZE ? value : -value;
    }
}
