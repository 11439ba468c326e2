package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Locale;
import java.util.Map;

/**
 * The search space.
 *
 * @param type       {@code grid}: every combination of the parameters' values, the first parameter varying slowest;
 *                   {@code random}: each trial draws every parameter independently
 * @param parameters by spec path (a field of the job spec, nested fields joined by dots: {@code schedule.type},
 *                   {@code optimizer.momentum}, {@code seed}), in the order given
 */
@Schema(description = "Search space: grid or random, over job spec paths")
public record SearchSpec(
        @NotNull(message = "is required: grid or random") Type type,

        @NotEmpty(message = "must name at least one spec path")
        @Size(max = 20, message = "must name at most 20 spec paths")
        Map<String, @Valid ParameterSpec> parameters) {

    public enum Type {
        GRID,
        RANDOM;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
