package dev.trainyard.jobs;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What one caller may submit, and how long the job table keeps what it holds.
 *
 * @param maxQueuedPerOwner    queued jobs an owner may have; a submission past it answers 429 with Retry-After
 * @param idempotencyRetention how long an {@code Idempotency-Key} keeps answering with the job it first created;
 *                             older keys are purged
 * @param retention            finished jobs (SUCCEEDED, FAILED, CANCELLED, STOPPED) older than this are deleted with their
 *                             files, and finished experiments with their trials' jobs; unset keeps them until deleted
 *                             through the API
 * @param housekeepingInterval how often expired keys are purged, old jobs deleted and files left by a crash swept
 */
@Validated
@ConfigurationProperties("trainyard.jobs")
public record JobsProperties(
        @Min(1) @DefaultValue("100") int maxQueuedPerOwner,
        @NotNull @DefaultValue("24h") Duration idempotencyRetention,
        Duration retention,
        @NotNull @DefaultValue("10m") Duration housekeepingInterval) {

    public JobsProperties {
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("trainyard.jobs.retention must be positive (was " + retention
                    + "); leave it unset to keep finished jobs");
        }
        if (housekeepingInterval != null && housekeepingInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "trainyard.jobs.housekeeping-interval must be at least 100ms (was " + housekeepingInterval + ")");
        }
    }

    public Optional<Duration> jobRetention() {
        return Optional.ofNullable(retention);
    }
}
