package dev.trainyard.jobs;

import dev.trainyard.jobs.spec.NotifySpec;
import dev.trainyard.system.Violations;

/** Decides whether a job may notify a URL; the webhooks feature implements it with the server's network policy. */
public interface NotifyTargets {

    /** Adds a violation under {@code field} when {@code owner} may not have {@code notify} called. */
    void check(String owner, NotifySpec notify, String field, Violations violations);
}
