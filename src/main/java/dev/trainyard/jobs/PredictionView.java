package dev.trainyard.jobs;

import dev.trainyard.training.Predictor;
import java.util.List;
import java.util.UUID;

/**
 * The answer to a prediction request.
 *
 * @param predictions the most likely classes, most likely first
 */
public record PredictionView(UUID jobId, List<Predictor.ClassProbability> predictions) {}
