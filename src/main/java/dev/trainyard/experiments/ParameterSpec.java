package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One parameter of the search: either listed {@code values} (grid: each in turn; random: a uniform choice) or, for a
 * random search, a {@code distribution} over {@code [min, max]}.
 *
 * @param values       JSON values the path takes: numbers, strings, or whole objects such as a schedule
 * @param distribution {@code uniform}, {@code log-uniform} (min above 0) or {@code int-uniform} (whole numbers, both
 *                     ends included)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Values or a distribution for one spec path")
public record ParameterSpec(
        @ArraySchema(schema = @Schema(implementation = Object.class, description = "any JSON value"))
        @Size(min = 1, max = 100, message = "must list 1 to 100 values")
        List<JsonNode> values,

        Distribution distribution,
        Double min,
        Double max) {

    public enum Distribution {
        UNIFORM("uniform"),
        LOG_UNIFORM("log-uniform"),
        INT_UNIFORM("int-uniform");

        private final String json;

        Distribution(String json) {
            this.json = json;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }
    }
}
