package dev.trainyard.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How training runs.
 *
 * @param layerHelpers  let DL4J's own conv layers use its oneDNN helper (about 6x faster per seednet step on a CPU than
 *                      without); covers the layers trainyard's path does not
 * @param convolutions  which path a network's convolutions run on
 * @param blasThreads   threads OpenBLAS may use for the dense layers' matrix products on the CPU backend. why 1: the
 *                      products are small, and OpenBLAS's idle workers spin in sched_yield at normal priority, which
 *                      takes the CPU from the lower-priority training threads (measured in docs/benchmarks.md)
 * @param prefetchDepth how many minibatches are assembled ahead of the trainer on a separate thread
 */
@Validated
@ConfigurationProperties("trainyard.training")
public record TrainingProperties(
        @DefaultValue("true") boolean layerHelpers,
        @NotNull @DefaultValue("onednn") Convolutions convolutions,
        @Min(1) @Max(1024) @DefaultValue("1") int blasThreads,
        @Min(1) @Max(64) @DefaultValue("4") int prefetchDepth) {

    /** Where convolutions run. */
    public enum Convolutions {
        /** trainyard's oneDNN path where it covers a layer (cached primitives, blocked layouts), DL4J's elsewhere. */
        ONEDNN,
        /** DL4J's own conv layers only. */
        DL4J
    }
}
