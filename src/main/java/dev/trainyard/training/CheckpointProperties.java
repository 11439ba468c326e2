package dev.trainyard.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Checkpoints of running jobs, written after every epoch and when a job stops.
 *
 * @param keep how many of the newest checkpoints a job keeps; the best by validation accuracy is kept as well
 */
@Validated
@ConfigurationProperties("trainyard.checkpoints")
public record CheckpointProperties(@Min(1) @Max(1000) @DefaultValue("3") int keep) {
}
