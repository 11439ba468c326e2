package dev.trainyard.executor;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How many jobs train at once and how often idle slots look for work.
 *
 * @param slots          {@code auto} (one per ND4J device: 1 on the CPU backend, one per GPU on CUDA) or a number;
 *                       0 accepts jobs without running any (an API-only server)
 * @param pollInterval   how often an idle slot checks the queue; new jobs on this server wake it at once
 * @param progressInterval how often a running job's progress and steps are written to the database
 * @param maxAttempts    how many times a job may start; a job that was running when the server died for the
 *                       last allowed time fails with {@code max_attempts_exceeded}
 * @param trainingNice   the nice value (0..19) training threads run at, so that API requests are answered promptly
 *                       while every core trains; 0 keeps the default priority
 */
@Validated
@ConfigurationProperties("trainyard.executor")
public record ExecutorProperties(
        @NotNull @Pattern(regexp = "auto|\\d{1,3}", message = "must be 'auto' or a number of slots")
        @DefaultValue("auto") String slots,
        @NotNull @DefaultValue("5s") Duration pollInterval,
        @NotNull @DefaultValue("1s") Duration progressInterval,
        @Min(1) @Max(100) @DefaultValue("3") int maxAttempts,
        @Min(0) @Max(19) @DefaultValue("10") int trainingNice) {

    /** The slot count, with {@code auto} resolved to {@code devices}. */
    int slotCount(int devices) {
        return "auto".equals(slots) ? devices : Integer.parseInt(slots);
    }
}
