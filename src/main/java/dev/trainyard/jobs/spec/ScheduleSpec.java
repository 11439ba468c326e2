package dev.trainyard.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.Rate;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * A learning-rate schedule as a client writes it. Unset fields take defaults ({@link #withDefaults()}).
 *
 * @param type          {@code cosine-warmup} (default), {@code cosine} or {@code constant}
 * @param baseLr        the peak rate reached after warmup (default 0.05)
 * @param warmupEpochs  warmup length in epochs (cosine-warmup; default 1 unless warmupSteps is given)
 * @param warmupSteps   warmup length in optimizer steps, the alternative to warmupEpochs
 * @param warmupStartLr the rate of step 0 (cosine-warmup; default 0)
 * @param minLr         the rate the cosine decays towards (cosine and cosine-warmup; default 0)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Learning-rate schedule by optimizer step")
@ConsistentSchedule
public record ScheduleSpec(
        @Schema(defaultValue = "cosine-warmup") Type type,

        @Schema(defaultValue = "0.05") @Rate Double baseLr,
        @PositiveOrZero(message = AT_LEAST_0) Integer warmupEpochs,
        @PositiveOrZero(message = AT_LEAST_0) Long warmupSteps,
        @Rate Double warmupStartLr,
        @Rate Double minLr) {

    static final String AT_LEAST_0 = "must be >= 0 (was ${validatedValue})";

    /** The schedules a job can name, by their JSON names. */
    public enum Type {
        /** Linear warmup from warmupStartLr to baseLr, then cosine decay to minLr. */
        COSINE_WARMUP("cosine-warmup"),
        /** Cosine decay from baseLr to minLr from the first step. */
        COSINE("cosine"),
        /** baseLr at every step. */
        CONSTANT("constant");

        private final String json;

        Type(String json) {
            this.json = json;
        }

        @JsonValue
        @Override
        public String toString() {
            return json;
        }
    }

    static final double DEFAULT_BASE_LR = 0.05;

    /** A schedule that sets nothing: every field takes its default. */
    public static final ScheduleSpec UNSET = new ScheduleSpec(null, null, null, null, null, null);

    /** The effective schedule: the type's defaults filled in, fields that do not apply to the type left out. */
    public ScheduleSpec withDefaults() {
        Type effectiveType = type == null ? Type.COSINE_WARMUP : type;
        double base = baseLr == null ? DEFAULT_BASE_LR : baseLr;
        return switch (effectiveType) {
            case CONSTANT -> new ScheduleSpec(Type.CONSTANT, base, null, null, null, null);
            case COSINE -> new ScheduleSpec(Type.COSINE, base, null, null, null, minLr == null ? 0.0 : minLr);
            case COSINE_WARMUP ->
                new ScheduleSpec(
                        effectiveType,
                        base,
                        warmupEpochs == null && warmupSteps == null ? Integer.valueOf(1) : warmupEpochs,
                        warmupSteps,
                        warmupStartLr == null ? 0.0 : warmupStartLr,
                        minLr == null ? 0.0 : minLr);
        };
    }

    /**
     * Refuses a warmup in steps that does not end before the run's last step; other rules are checked by
     * {@link ConsistentSchedule} and {@link WarmupEndsBeforeLastEpoch}, but this one needs the run's length.
     *
     * @throws InvalidRequestException naming {@code schedule.warmupSteps}
     */
    public void requireFits(int epochs, int stepsPerEpoch) {
        long totalSteps = (long) epochs * stepsPerEpoch;
        if (warmupSteps != null && warmupSteps >= totalSteps) {
            throw InvalidRequestException.of(
                    "schedule.warmupSteps",
                    "must be less than the run's " + totalSteps + " steps (" + epochs + " epochs of " + stepsPerEpoch
                            + ") (was " + warmupSteps + ")");
        }
    }

    /**
     * The schedule that trains: this effective spec over {@code epochs} epochs of {@code stepsPerEpoch} steps.
     *
     * @throws IllegalArgumentException when the warmup does not fit in the run
     */
    public LearningRateSchedule toSchedule(int epochs, int stepsPerEpoch) {
        ScheduleSpec effective = withDefaults();
        long totalSteps = (long) epochs * stepsPerEpoch;
        return switch (effective.type()) {
            case CONSTANT ->
                new LearningRateSchedule(effective.baseLr(), effective.baseLr(), effective.baseLr(), 0, totalSteps);
            case COSINE ->
                new LearningRateSchedule(effective.baseLr(), effective.baseLr(), effective.minLr(), 0, totalSteps);
            case COSINE_WARMUP ->
                new LearningRateSchedule(
                        effective.warmupStartLr(),
                        effective.baseLr(),
                        effective.minLr(),
                        effective.warmupSteps() != null
                                ? effective.warmupSteps()
                                : (long) effective.warmupEpochs() * stepsPerEpoch,
                        totalSteps);
        };
    }
}
