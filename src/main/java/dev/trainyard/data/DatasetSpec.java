package dev.trainyard.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.system.Violations;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The data a job trains and tests on.
 *
 * @param name       the dataset; {@code cifar10} is the one built in
 * @param trainLimit train on the first N training images only (at least 1; default all), for quick runs
 * @param testLimit  test on the first N test images only (at least 1; default all)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Dataset and optional limits")
public record DatasetSpec(
        @Schema(allowableValues = {"cifar10"}, defaultValue = "cifar10") String name,
        Integer trainLimit,
        Integer testLimit) {

    public static final String CIFAR10 = "cifar10";
    static final List<String> NAMES = List.of(CIFAR10);

    public DatasetSpec withDefaults() {
        return new DatasetSpec(name == null ? CIFAR10 : name, trainLimit, testLimit);
    }

    public void validate(String path, Violations violations) {
        violations.requireOneOf(path + ".name", name, NAMES);
        violations.requireRange(path + ".trainLimit", trainLimit, 1, Integer.MAX_VALUE);
        violations.requireRange(path + ".testLimit", testLimit, 1, Integer.MAX_VALUE);
    }
}
