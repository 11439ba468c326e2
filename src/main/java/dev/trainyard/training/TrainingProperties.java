package dev.trainyard.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How training runs.
 *
 * @param layerHelpers  let DL4J's conv layers use oneDNN (measured about 6x faster per seednet step on a CPU)
 * @param prefetchDepth how many minibatches are assembled ahead of the trainer on a separate thread
 */
@Validated
@ConfigurationProperties("trainyard.training")
public record TrainingProperties(
        @DefaultValue("true") boolean layerHelpers,
        @Min(1) @Max(64) @DefaultValue("4") int prefetchDepth) {
}
