package dev.trainyard.data;

/**
 * A dataset as loaded for one job.
 *
 * @param validation held out of the training images, or null without a validation split
 * @param test       the dataset's own test images, or null when it has none
 */
public record TrainTestSplit(LabeledImages train, LabeledImages validation, LabeledImages test) {}
