package dev.trainyard.system;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where a job's files live: its model, checkpoints, evaluation and log. Every replica must see the same files (a
 * shared volume when several replicas run). {@link DataDirectory} keeps them under {@code <data-dir>/jobs/<id>};
 * an object store would stage them in local paths and upload what the trainer writes.
 */
public interface JobStorage {

    /** The folder that holds one folder per job. */
    Path jobs();

    /** A job's own folder. */
    Path job(UUID jobId);

    /** The trained model of a job, a DL4J ModelSerializer zip. */
    Path model(UUID jobId);

    /** A job's checkpoints, from which an interrupted run resumes on any replica. */
    Path checkpoints(UUID jobId);

    /** A job's training log: one line per epoch and per state change, for reading with tail. */
    Path log(UUID jobId);
}
