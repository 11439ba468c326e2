package dev.trainyard.system;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of where a job's files live: every other class asks it for a {@link JobFolder} and never builds a
 * path under {@code jobs/} itself. Every replica must see the same files (a shared volume when several replicas run).
 * {@link DataDirectory} keeps them under {@code <data-dir>/jobs/<id>}; an object store would stage them in local
 * paths and upload what the trainer writes.
 */
public interface JobArtifacts {

    /** The folder that holds one folder per job (and folders of deleted jobs being removed). */
    Path jobs();

    /** A job's files. */
    JobFolder folder(UUID jobId);

    /**
     * Where a deleted job's folder is moved before it is removed, so that a crash halfway leaves no folder that
     * looks like a job's.
     */
    Path deleting(UUID jobId);

    /** Whether a folder under {@link #jobs()} is a deleted job's, left by a crash while it was removed. */
    boolean isBeingDeleted(Path folder);

    /** The job whose folder this is, or empty for anything else under {@link #jobs()}. */
    Optional<UUID> jobOf(Path folder);
}
