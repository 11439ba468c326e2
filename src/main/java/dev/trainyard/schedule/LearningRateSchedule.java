package dev.trainyard.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Linear warmup followed by cosine decay, by optimizer step. With W warmup steps and T = totalSteps - W:
 * {@code lr(s) = startLr + (baseLr - startLr) * s / W} for {@code s < W}, and
 * {@code lr(s) = minLr + (baseLr - minLr) * (1 + cos(pi * (s - W) / T)) / 2} from {@code s = W} on.
 * Step {@code s} is the 0-based index of the optimizer step that uses the rate.
 *
 * <p>The constant schedule is the case {@code W = 0, minLr = baseLr}; plain cosine is {@code W = 0}. This object is
 * both what DL4J's updater evaluates while training (as an {@link ISchedule}) and what the preview prints, so the two
 * cannot disagree. It is immutable and serialises into the saved model's configuration (ND4J's shaded Jackson).
 */
public final class LearningRateSchedule implements ISchedule {

    private final double startLr;
    private final double baseLr;
    private final double minLr;
    private final long warmupSteps;
    private final long totalSteps;

    @JsonCreator
    public LearningRateSchedule(
            @JsonProperty("startLr") double startLr,
            @JsonProperty("baseLr") double baseLr,
            @JsonProperty("minLr") double minLr,
            @JsonProperty("warmupSteps") long warmupSteps,
            @JsonProperty("totalSteps") long totalSteps) {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException(
                    "need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
        }
        this.startLr = startLr;
        this.baseLr = baseLr;
        this.minLr = minLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The learning rate of the optimizer step with 0-based index {@code step}. */
    public double valueAt(long step) {
        if (step < warmupSteps) {
            return startLr + (baseLr - startLr) * step / warmupSteps;
        }
        long decaySteps = totalSteps - warmupSteps;
        long intoDecay = Math.min(step, totalSteps) - warmupSteps;
        return minLr + (baseLr - minLr) * (1 + Math.cos(Math.PI * intoDecay / decaySteps)) / 2;
    }

    /** Called by DL4J's updaters with the network's iteration counter, which is the step index. */
    @Override
    public double valueAt(int iteration, int epoch) {
        return valueAt(iteration);
    }

    @Override
    public ISchedule clone() {
        return this;
    }

    @JsonProperty("startLr")
    public double startLr() {
        return startLr;
    }

    @JsonProperty("baseLr")
    public double baseLr() {
        return baseLr;
    }

    @JsonProperty("minLr")
    public double minLr() {
        return minLr;
    }

    @JsonProperty("warmupSteps")
    public long warmupSteps() {
        return warmupSteps;
    }

    @JsonProperty("totalSteps")
    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LearningRateSchedule that
                && startLr == that.startLr
                && baseLr == that.baseLr
                && minLr == that.minLr
                && warmupSteps == that.warmupSteps
                && totalSteps == that.totalSteps;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(startLr, baseLr, minLr, warmupSteps, totalSteps);
    }

    @Override
    public String toString() {
        return "LearningRateSchedule[startLr=" + startLr + ", baseLr=" + baseLr + ", minLr=" + minLr + ", warmupSteps="
                + warmupSteps + ", totalSteps=" + totalSteps + "]";
    }
}
