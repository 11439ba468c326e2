package dev.trainyard.experiments;

import dev.trainyard.system.PeriodicTask;
import org.springframework.stereotype.Component;

/**
 * Launches trials as places free up, every {@code trainyard.experiments.launch-interval} on every replica; each
 * experiment's launch holds its row's lock, so passes on two replicas at once launch each trial once. After a crash
 * the next pass picks up where the stored trials say.
 */
@Component
class ExperimentLauncher extends PeriodicTask {

    private final ExperimentService experiments;

    ExperimentLauncher(ExperimentService experiments, ExperimentsProperties properties) {
        super("trainyard-experiments", "Launching trials", properties.launchInterval(), properties.launchInterval());
        this.experiments = experiments;
    }

    @Override
    protected void runOnce() {
        experiments.launchAll();
    }
}
