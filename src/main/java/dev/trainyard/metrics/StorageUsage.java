package dev.trainyard.metrics;

/** How full the data directory's disk is and how much of it job files take; answered by the job store. */
public interface StorageUsage {

    /** Bytes still free under the data directory. */
    long freeBytes();

    /** Bytes the files of all jobs take (models, checkpoints, logs), as of a recent count. */
    long jobFileBytes();
}
