package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainyard.data.DatasetChoice;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.util.Locale;

/**
 * The data a job trains, validates and tests on.
 *
 * @param name               {@code cifar10} (the binary archive, downloaded when missing) or {@code imagefolder}
 * @param path               imagefolder: the training folder, one sub-folder per class, relative to
 *                           {@code <data-dir>/datasets/}
 * @param testPath           imagefolder: an optional test folder laid out the same way
 * @param trainLimit         train on the first N training images only (at least 1; default all), for quick runs
 * @param testLimit          test on the first N test images only (at least 1; default all)
 * @param validationFraction hold out this share of the training images (a fixed, seeded choice) for validation
 *                           after every epoch; 0 (default) holds out none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Dataset, limits and validation split")
@ConsistentDataset
public record DatasetSpec(
        @Schema(defaultValue = "cifar10") Kind name,

        String path,
        String testPath,
        @Min(value = 1, message = LIMIT) Integer trainLimit,
        @Min(value = 1, message = LIMIT) Integer testLimit,

        @Schema(defaultValue = "0")
        @DecimalMin(value = "0", message = FRACTION)
        @DecimalMax(value = "0.5", message = FRACTION)
        Double validationFraction) {

    static final String LIMIT = "must be between 1 and 2147483647 (was ${validatedValue})";
    static final String FRACTION = "must be between 0 and 0.5 (was ${validatedValue})";

    /** The kinds of dataset a job can name, by their JSON names. */
    public enum Kind {
        /** The CIFAR-10 binary archive, downloaded when missing. */
        CIFAR10,
        /** Folders of images, one sub-folder per class. */
        IMAGEFOLDER;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A dataset that sets nothing: CIFAR-10, all of it, no validation split. */
    public static final DatasetSpec UNSET = new DatasetSpec(null, null, null, null, null, null);

    /** CIFAR-10 with optional limits and no validation split. */
    public static DatasetSpec cifar10(Integer trainLimit, Integer testLimit) {
        return new DatasetSpec(Kind.CIFAR10, null, null, trainLimit, testLimit, null);
    }

    public DatasetSpec withDefaults() {
        return new DatasetSpec(
                name == null ? Kind.CIFAR10 : name,
                path,
                testPath,
                trainLimit,
                testLimit,
                validationFraction == null ? 0.0 : validationFraction);
    }

    /** The data that trains: this spec with its defaults filled in. */
    public DatasetChoice toChoice() {
        DatasetSpec effective = withDefaults();
        return switch (effective.name()) {
            case CIFAR10 -> new DatasetChoice.Cifar10(trainLimit, testLimit, effective.validationFraction());
            case IMAGEFOLDER ->
                new DatasetChoice.ImageFolder(path, testPath, trainLimit, testLimit, effective.validationFraction());
        };
    }
}
