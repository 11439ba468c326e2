package dev.trainyard.data;

/**
 * The data a run trains, validates and tests on: a kind of dataset, what of it to use, and the share of its
 * training images held out for validation.
 */
public sealed interface DatasetChoice {

    /** Train on the first N training images only; null for all. */
    Integer trainLimit();

    /** Test on the first N test images only; null for all. */
    Integer testLimit();

    /** The share of the training images held out for validation (a fixed, seeded choice); 0 for none. */
    double validationFraction();

    /** The CIFAR-10 binary archive, downloaded when missing. */
    record Cifar10(Integer trainLimit, Integer testLimit, double validationFraction) implements DatasetChoice {}

    /**
     * Folders of images, one sub-folder per class, relative to {@code <data-dir>/datasets/}.
     *
     * @param testPath an optional test folder laid out the same way, or null
     */
    record ImageFolder(String path, String testPath, Integer trainLimit, Integer testLimit, double validationFraction)
            implements DatasetChoice {}
}
