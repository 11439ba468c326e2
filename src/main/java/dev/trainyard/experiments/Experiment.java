package dev.trainyard.experiments;

import java.time.Instant;
import java.util.UUID;

/** An experiment as stored, with its effective spec. */
record Experiment(
        UUID id,
        long seq,
        String owner,
        ExperimentSpec spec,
        ExperimentState state,
        Instant submittedAt,
        Instant finishedAt) {}
