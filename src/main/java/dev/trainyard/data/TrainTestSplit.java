package dev.trainyard.data;

/** A dataset as loaded for one job. */
public record TrainTestSplit(LabeledImages train, LabeledImages test) {
}
