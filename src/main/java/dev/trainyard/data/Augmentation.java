package dev.trainyard.data;

/**
 * How training images are prepared: per-channel normalisation (all splits) and, for the training split only,
 * seeded random crops from a zero-padded image and horizontal flips.
 *
 * @param randomCrop     pad each side by this many pixels and crop a random 32x32 window; 0 for none
 * @param horizontalFlip mirror half of the training images, chosen at random
 * @param normalize      subtract the training data's per-channel mean and divide by its standard deviation
 */
public record Augmentation(int randomCrop, boolean horizontalFlip, boolean normalize) {

    /** The images as they are: what evaluation and prediction use. */
    public static final Augmentation NONE = new Augmentation(0, false, false);
}
