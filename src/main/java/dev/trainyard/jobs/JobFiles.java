package dev.trainyard.jobs;

import dev.trainyard.metrics.StorageUsage;
import dev.trainyard.system.AtomicFiles;
import dev.trainyard.system.DiskSpace;
import dev.trainyard.system.JobArtifacts;
import dev.trainyard.training.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The files of jobs as a whole: a deleted job's folder goes away, and what a crash left behind is swept. The job
 * table decides: a folder whose job has no row is a deletion that a crash interrupted; a checkpoint file without a
 * record, or a temporary file, in the folder of a job that is not running was never finished.
 */
@Component
class JobFiles implements StorageUsage {

    private static final Logger log = LoggerFactory.getLogger(JobFiles.class);
    /**
     * why: a queued job's folder may be in use again a moment after the sweep looked at the job; files younger than
     * this are left for the next sweep.
     */
    static final Duration UNFINISHED_FILE_AGE = Duration.ofMinutes(10);
    /** How long a count of the bytes job files take is reused for metrics. */
    private static final Duration USAGE_COUNT_AGE = Duration.ofSeconds(60);

    private final JobArtifacts artifacts;
    private final JobRepository jobs;
    private final JobMetricsRepository results;
    private final DiskSpace disk;
    private final Clock clock;
    private final AtomicLong jobFileBytes = new AtomicLong();
    private volatile Instant counted = Instant.MIN;

    JobFiles(JobArtifacts artifacts, JobRepository jobs, JobMetricsRepository results, DiskSpace disk, Clock clock) {
        this.artifacts = artifacts;
        this.jobs = jobs;
        this.results = results;
        this.disk = disk;
        this.clock = clock;
    }

    /** Removes a job's folder: renamed out of the way at once, then deleted; what a crash leaves is swept. */
    void deleteFolder(UUID jobId) {
        Path folder = artifacts.folder(jobId).root();
        try {
            Path doomed = artifacts.deleting(jobId);
            Files.move(folder, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        } catch (NoSuchFileException nothingThere) {
            // a job that never started has no folder
        } catch (IOException e) {
            log.warn(
                    "Job {}: its files could not all be deleted now ({}); the next sweep removes them",
                    jobId,
                    e.getMessage());
        }
    }

    /** Sweeps every job folder once; see the class comment for what goes. */
    void sweep() {
        Instant unfinishedBefore = clock.instant().minus(UNFINISHED_FILE_AGE);
        List<Path> entries;
        try (Stream<Path> list = Files.list(artifacts.jobs())) {
            entries = list.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the job folders", e);
        }
        for (Path entry : entries) {
            try {
                if (artifacts.isBeingDeleted(entry)) {
                    deleteTree(entry);
                    continue;
                }
                UUID id = artifacts.jobOf(entry).orElse(null);
                if (id == null) {
                    continue;
                }
                Job job = jobs.findById(id).orElse(null);
                if (job == null) {
                    log.info("Removing the files of job {}, whose deletion was interrupted", id);
                    deleteTree(entry);
                } else if (job.state() != JobState.RUNNING) {
                    sweepUnfinished(job, entry, unfinishedBefore);
                }
            } catch (IOException e) {
                log.warn("Could not sweep {}: {}", entry.getFileName(), e.getMessage());
            }
        }
    }

    private void sweepUnfinished(Job job, Path folder, Instant olderThan) throws IOException {
        Set<String> recorded =
                results.findCheckpoints(job.id()).stream().map(Checkpoint::file).collect(Collectors.toSet());
        Path checkpoints = artifacts.folder(job.id()).checkpoints();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                boolean unfinished = name.startsWith(AtomicFiles.TEMPORARY_PREFIX)
                        || file.getParent().equals(checkpoints) && !recorded.contains(name);
                if (unfinished && Files.getLastModifiedTime(file).toInstant().isBefore(olderThan)) {
                    log.info("Job {}: removing {}, left unfinished by a crash", job.id(), folder.relativize(file));
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public long freeBytes() {
        return disk.freeBytes();
    }

    @Override
    public long jobFileBytes() {
        Instant now = clock.instant();
        if (counted.plus(USAGE_COUNT_AGE).isBefore(now)) {
            counted = now;
            jobFileBytes.set(countBytes());
        }
        return jobFileBytes.get();
    }

    private long countBytes() {
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(artifacts.jobs(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total.addAndGet(attributes.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) {
                    // a file deleted while counting
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Cannot count the bytes of job files: {}", e.getMessage());
        }
        return total.get();
    }
}
