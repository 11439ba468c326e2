/**
 * Training with Deeplearning4j: the network architectures, the optimizer, the ND4J runtime set-up (with
 * the oneDNN fast path) and the trainer that runs one job's epochs and reports every step.
 * Nothing here knows about HTTP or the job table; the trainer reports through {@link dev.trainyard.training.TrainingObserver}.
 */
package dev.trainyard.training;
