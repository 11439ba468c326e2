package dev.trainyard.experiments;

import dev.trainyard.system.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Launches trials as places free up, every {@code trainyard.experiments.launch-interval} on every replica; each
 * experiment's launch holds its row's lock, so passes on two replicas at once launch each trial once. After a crash
 * the next pass picks up where the stored trials say.
 */
@Component
class ExperimentLauncher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExperimentLauncher.class);

    private final ExperimentService experiments;
    private final ExperimentsProperties properties;
    private ScheduledExecutorService scheduler;

    ExperimentLauncher(ExperimentService experiments, ExperimentsProperties properties) {
        this.experiments = experiments;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-experiments"));
        long period = properties.launchInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::launchOnce, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    private void launchOnce() {
        try {
            experiments.launchAll();
        } catch (RuntimeException e) {
            log.warn("Launching trials failed (retrying in {}): {}", properties.launchInterval(), e.getMessage());
        }
    }
}
