package dev.trainyard.jobs;

import java.util.List;
import java.util.UUID;

/**
 * A job's training record.
 *
 * @param steps  every optimizer step: loss and the learning rate DL4J applied
 * @param epochs every finished epoch: train and test loss, test accuracy, seconds
 */
public record JobMetricsView(
        UUID jobId, List<JobMetricsRepository.StepMetric> steps, List<JobMetricsRepository.EpochMetric> epochs) {}
