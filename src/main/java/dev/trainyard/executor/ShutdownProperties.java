package dev.trainyard.executor;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a replica stops on SIGTERM.
 *
 * @param grace how long running jobs get to checkpoint and go back to the queue before the process exits; keep it
 *              below {@code spring.lifecycle.timeout-per-shutdown-phase} and Kubernetes'
 *              {@code terminationGracePeriodSeconds}
 */
@Validated
@ConfigurationProperties("trainyard.shutdown")
public record ShutdownProperties(
        @NotNull @DefaultValue("30s") Duration grace) {}
