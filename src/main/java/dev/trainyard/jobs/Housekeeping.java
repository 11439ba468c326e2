package dev.trainyard.jobs;

import dev.trainyard.system.PeriodicTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Upkeep of the job table and the job files, at start-up and then every {@code trainyard.jobs.housekeeping-interval}:
 * idempotency keys past their retention are purged, finished jobs older than {@code trainyard.jobs.retention} are
 * deleted (except trials, which go with their experiment), and files a crash left behind are swept
 * ({@link JobFiles#sweep}). Every replica runs it; each task is safe to run twice at once.
 */
@Component
class Housekeeping extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    /** Every kind of key: the jobs' and the experiments'. */
    private final List<IdempotencyKeys> keys;

    private final JobRepository jobs;
    private final JobService service;
    private final JobFiles files;
    private final JobsProperties properties;
    private final Clock clock;

    Housekeeping(
            List<IdempotencyKeys> keys,
            JobRepository jobs,
            JobService service,
            JobFiles files,
            JobsProperties properties,
            Clock clock) {
        super("trainyard-housekeeping", "Housekeeping", Duration.ZERO, properties.housekeepingInterval());
        this.keys = keys;
        this.jobs = jobs;
        this.service = service;
        this.files = files;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        Instant expired = clock.instant().minus(properties.idempotencyRetention());
        int purged =
                keys.stream().mapToInt(kind -> kind.purgeOlderThan(expired)).sum();
        if (purged > 0) {
            log.info("Purged {} idempotency key(s) older than {}", purged, properties.idempotencyRetention());
        }
        properties.jobRetention().ifPresent(retention -> {
            int deleted = 0;
            for (UUID id : jobs.findFinishedBefore(clock.instant().minus(retention))) {
                deleted += service.deleteFinished(id) ? 1 : 0;
            }
            if (deleted > 0) {
                log.info(
                        "Deleted {} job(s) that finished more than {} ago (trainyard.jobs.retention)",
                        deleted,
                        retention);
            }
        });
        files.sweep();
    }
}
