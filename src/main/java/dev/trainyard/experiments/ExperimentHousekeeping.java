package dev.trainyard.experiments;

import dev.trainyard.jobs.JobsProperties;
import dev.trainyard.system.PeriodicTask;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * With {@code trainyard.jobs.retention} set, deletes experiments that finished longer ago than that, whole with their
 * trials' jobs (job retention leaves trial jobs to their experiment, so no experiment loses a trial while it runs or
 * after). Runs every {@code trainyard.jobs.housekeeping-interval} on every replica; each deletion holds the
 * experiment's row lock, so two replicas at once delete it once.
 */
@Component
class ExperimentHousekeeping extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(ExperimentHousekeeping.class);

    private final ExperimentService experiments;
    private final JobsProperties properties;
    private final Clock clock;

    ExperimentHousekeeping(ExperimentService experiments, JobsProperties properties, Clock clock) {
        super(
                "trainyard-experiment-retention",
                "Experiment retention",
                properties.housekeepingInterval(),
                properties.housekeepingInterval());
        this.experiments = experiments;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    protected boolean enabled() {
        return properties.jobRetention().isPresent();
    }

    @Override
    protected void runOnce() {
        Duration retention = properties.jobRetention().orElseThrow();
        int deleted = experiments.deleteFinishedBefore(clock.instant().minus(retention));
        if (deleted > 0) {
            log.info(
                    "Deleted {} experiment(s) that finished more than {} ago (trainyard.jobs.retention)",
                    deleted,
                    retention);
        }
    }
}
