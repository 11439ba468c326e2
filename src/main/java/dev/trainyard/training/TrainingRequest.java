package dev.trainyard.training;

import dev.trainyard.data.AugmentSpec;
import dev.trainyard.data.DatasetSpec;
import dev.trainyard.schedule.ScheduleSpec;
import dev.trainyard.system.JobFolder;

/**
 * Everything one training run needs, with defaults already filled in.
 *
 * @param files               where the model, its card, its evaluation and the checkpoints are written
 * @param resumeFrom          the checkpoint an interrupted run continues from (its file checked intact), or null
 */
public record TrainingRequest(
        ModelArchitecture model,
        DatasetSpec dataset,
        AugmentSpec augment,
        int epochs,
        int batchSize,
        OptimizerSpec optimizer,
        ScheduleSpec schedule,
        long seed,
        JobFolder files,
        Checkpoint resumeFrom) {}
