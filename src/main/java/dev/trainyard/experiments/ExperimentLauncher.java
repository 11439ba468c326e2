package dev.trainyard.experiments;

import dev.trainyard.system.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Launches trials as places free up, every {@code trainyard.experiments.launch-interval} on every replica; each
 * experiment's launch holds its row's lock, so passes on two replicas at once launch each trial once. After a crash
 * the next pass picks up where the stored trials say.
 */
@Component
class ExperimentLauncher extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(ExperimentLauncher.class);

    private final ExperimentService experiments;
    private final ExperimentsProperties properties;

    ExperimentLauncher(ExperimentService experiments, ExperimentsProperties properties) {
        super("trainyard-experiments", properties.launchInterval(), properties.launchInterval());
        this.experiments = experiments;
        this.properties = properties;
    }

    @Override
    protected void runOnce() {
        try {
            experiments.launchAll();
        } catch (RuntimeException e) {
            log.warn("Launching trials failed (retrying in {}): {}", properties.launchInterval(), e.getMessage());
        }
    }
}
