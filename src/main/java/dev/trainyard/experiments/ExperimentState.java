package dev.trainyard.experiments;

/** Where an experiment is: launching and running trials, all trials ended, or cancelled by its owner. */
public enum ExperimentState {
    RUNNING,
    COMPLETED,
    CANCELLED
}
