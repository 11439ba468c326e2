package dev.trainyard.jobs.spec;

import dev.trainyard.system.FieldRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A warmup given in epochs (or the default one) leaves the cosine phase at least one epoch of the run, reported at
 * {@code schedule.warmupEpochs}. A warmup in steps is checked once the run's steps are known ({@link
 * ScheduleSpec#requireFits}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = WarmupEndsBeforeLastEpoch.Validator.class)
public @interface WarmupEndsBeforeLastEpoch {

    String message() default "must end its warmup before the last epoch";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<WarmupEndsBeforeLastEpoch, ScheduledRun> {
        @Override
        public boolean isValid(ScheduledRun run, ConstraintValidatorContext context) {
            Integer epochs = run == null ? null : run.epochsToSchedule();
            if (epochs == null || epochs < 1) {
                return true;
            }
            ScheduleSpec effective = (run.schedule() == null ? ScheduleSpec.UNSET : run.schedule()).withDefaults();
            FieldRules rules = new FieldRules(context);
            if (effective.type() == ScheduleSpec.Type.COSINE_WARMUP
                    && effective.warmupEpochs() != null
                    && epochs <= effective.warmupEpochs()) {
                rules.reject(
                        "schedule.warmupEpochs",
                        "must be less than epochs (" + epochs + "), so that the cosine phase has at least one epoch "
                                + "(was " + effective.warmupEpochs() + ")");
            }
            return rules.valid();
        }
    }
}
