package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.data.Augmentation;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How training images are prepared: per-channel normalisation (all splits) and, for the training split only,
 * seeded random crops from a zero-padded image and horizontal flips.
 *
 * @param randomCrop     pad each side by this many pixels and crop a random 32x32 window (0..16; default 4)
 * @param horizontalFlip mirror half of the training images, chosen at random (default true)
 * @param normalize      subtract the training data's per-channel mean and divide by its standard deviation
 *                       (default true); the values are stored with the model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Normalisation and training-time augmentation")
public record AugmentSpec(
        @Schema(defaultValue = "4") @Min(value = 0, message = CROP_RANGE) @Max(value = 16, message = CROP_RANGE)
        Integer randomCrop,

        @Schema(defaultValue = "true") Boolean horizontalFlip,
        @Schema(defaultValue = "true") Boolean normalize) {

    static final String CROP_RANGE = "must be between 0 and 16 (was ${validatedValue})";

    public AugmentSpec withDefaults() {
        return new AugmentSpec(
                randomCrop == null ? 4 : randomCrop,
                horizontalFlip == null ? Boolean.TRUE : horizontalFlip,
                normalize == null ? Boolean.TRUE : normalize);
    }

    /** The preparation that trains: this spec with its defaults filled in. */
    public Augmentation toAugmentation() {
        AugmentSpec effective = withDefaults();
        return new Augmentation(effective.randomCrop(), effective.horizontalFlip(), effective.normalize());
    }
}
