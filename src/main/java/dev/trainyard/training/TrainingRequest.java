package dev.trainyard.training;

import dev.trainyard.data.AugmentSpec;
import dev.trainyard.data.DatasetSpec;
import dev.trainyard.schedule.ScheduleSpec;
import java.nio.file.Path;

/**
 * Everything one training run needs, with defaults already filled in.
 *
 * @param modelFile           where the trained model is written (a DL4J ModelSerializer zip)
 * @param checkpointDirectory where the run's checkpoints are written
 * @param resumeFrom          the checkpoint an interrupted run continues from (its file checked intact), or null
 */
public record TrainingRequest(ModelArchitecture model, DatasetSpec dataset, AugmentSpec augment, int epochs,
                              int batchSize,
                              OptimizerSpec optimizer, ScheduleSpec schedule, long seed, Path modelFile,
                              Path checkpointDirectory, Checkpoint resumeFrom) {
}
