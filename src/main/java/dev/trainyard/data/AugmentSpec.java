package dev.trainyard.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainyard.system.Violations;
import io.swagger.v3.oas.annotations.media.Schema;

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
        @Schema(minimum = "0", maximum = "16", defaultValue = "4")
        Integer randomCrop,

        @Schema(defaultValue = "true") Boolean horizontalFlip,
        @Schema(defaultValue = "true") Boolean normalize) {

    public static final AugmentSpec NONE = new AugmentSpec(0, false, false);

    public AugmentSpec withDefaults() {
        return new AugmentSpec(
                randomCrop == null ? 4 : randomCrop,
                horizontalFlip == null ? Boolean.TRUE : horizontalFlip,
                normalize == null ? Boolean.TRUE : normalize);
    }

    public void validate(String at, Violations violations) {
        violations.requireRange(at + ".randomCrop", randomCrop, 0, 16);
    }
}
