package dev.trainyard.training;

/** How a training run ended when it did not fail. */
public enum TrainingOutcome {
    /** All epochs ran and the model was saved. */
    COMPLETED,
    /** The observer asked to stop; no model was saved. */
    STOPPED
}
