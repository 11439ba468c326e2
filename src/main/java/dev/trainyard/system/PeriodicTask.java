package dev.trainyard.system;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * A task that runs on a daemon thread of its own, at a fixed delay between rounds, while the application runs; every
 * replica runs its own. A round catches its own failures (logging them), since one that threw would end the schedule.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final String threadName;
    private final Duration initialDelay;
    private final Duration period;
    private ScheduledExecutorService scheduler;

    protected PeriodicTask(String threadName, Duration initialDelay, Duration period) {
        this.threadName = threadName;
        this.initialDelay = initialDelay;
        this.period = period;
    }

    /** One round. */
    protected abstract void runOnce();

    /** Whether the task runs at all in this configuration. */
    protected boolean enabled() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (!enabled()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
        scheduler.scheduleWithFixedDelay(
                this::runOnce, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
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
}
