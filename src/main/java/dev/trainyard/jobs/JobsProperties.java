package dev.trainyard.jobs;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what one caller may submit.
 *
 * @param maxQueuedPerOwner queued jobs an owner may have; a submission past it answers 429 with Retry-After
 * @param idempotencyRetention how long an {@code Idempotency-Key} keeps answering with the job it first created
 */
@Validated
@ConfigurationProperties("trainyard.jobs")
public record JobLimitsProperties(
        @Min(1) @DefaultValue("100") int maxQueuedPerOwner,
        @NotNull @DefaultValue("24h") Duration idempotencyRetention) {
}
