package dev.trainyard.experiments;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and pace of experiments.
 *
 * @param maxTrials      the most trials one experiment may have
 * @param launchInterval how often each replica launches the trials that have a free place (a trial's job ended)
 * @param maxRunningPerOwner running experiments one owner may have; another answers 429 with Retry-After, so stored
 *                       trials waiting for a place stay bounded as queued jobs are
 */
@Validated
@ConfigurationProperties("trainyard.experiments")
public record ExperimentsProperties(
        @Min(1) @Max(1000) @DefaultValue("100") int maxTrials,
        @NotNull @DefaultValue("2s") Duration launchInterval,
        @Min(1) @DefaultValue("10") int maxRunningPerOwner) {

    public ExperimentsProperties {
        if (launchInterval != null && launchInterval.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException(
                    "trainyard.experiments.launch-interval must be at least 50ms (was " + launchInterval + ")");
        }
    }
}
