package dev.trainyard.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Checkpoints of running jobs, written after every epoch and when a job stops.
 *
 * @param keep             how many of the newest checkpoints a job keeps while it runs; the best by validation
 *                         accuracy is kept as well
 * @param keepAfterSuccess what stays once a job has SUCCEEDED (its model always does): {@code all} of the above,
 *                         only the {@code best} (what {@code ?which=best} downloads), or {@code none}
 */
@Validated
@ConfigurationProperties("trainyard.checkpoints")
public record CheckpointProperties(
        @Min(1) @Max(1000) @DefaultValue("3") int keep,
        @NotNull @DefaultValue("all") KeepAfterSuccess keepAfterSuccess) {

    /** Which checkpoints a job keeps once it has SUCCEEDED. */
    public enum KeepAfterSuccess {
        ALL,
        BEST,
        NONE
    }
}
