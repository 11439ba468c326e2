package dev.trainyard.system;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A task that runs on a daemon thread of its own, at a fixed delay between rounds, while the application runs; every
 * replica runs its own. A round that fails (the database away) is logged and the next round tries again: an exception
 * that escaped would end the schedule.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String threadName;
    private final String activity;
    private final Duration initialDelay;
    private final Duration period;
    private ScheduledExecutorService scheduler;

    /** @param activity what a round does, for the log when one fails: "Housekeeping" */
    protected PeriodicTask(String threadName, String activity, Duration initialDelay, Duration period) {
        this.threadName = threadName;
        this.activity = activity;
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
                this::round, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("{} failed (retrying in {}): {}", activity, period, e.getMessage());
        }
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
