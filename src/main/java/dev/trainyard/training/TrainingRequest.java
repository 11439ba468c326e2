package dev.trainyard.training;

import dev.trainyard.data.Augmentation;
import dev.trainyard.data.DatasetChoice;
import dev.trainyard.schedule.SchedulePlan;
import dev.trainyard.system.JobFolder;

/**
 * Everything one training run needs, with defaults already filled in.
 *
 * @param files               where the model, its card, its evaluation and the checkpoints are written
 * @param resumeFrom          the checkpoint an interrupted run continues from (its file checked intact), or null
 */
public record TrainingRequest(
        ModelArchitecture model,
        DatasetChoice dataset,
        Augmentation augment,
        int epochs,
        int batchSize,
        Optimizer optimizer,
        SchedulePlan schedule,
        long seed,
        JobFolder files,
        Checkpoint resumeFrom) {}
