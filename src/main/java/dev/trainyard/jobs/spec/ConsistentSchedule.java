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
 * The rules between a schedule's fields, on the schedule as sent: fields of one type only on that type, one form of
 * warmup, a warmup that rises, and a decay that does not end above its peak. Each is reported at its field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentSchedule.Validator.class)
public @interface ConsistentSchedule {

    String message() default "must be a consistent schedule";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ConsistentSchedule, ScheduleSpec> {
        @Override
        public boolean isValid(ScheduleSpec schedule, ConstraintValidatorContext context) {
            if (schedule == null) {
                return true;
            }
            FieldRules rules = new FieldRules(context);
            ScheduleSpec effective = schedule.withDefaults();
            ScheduleSpec.Type type = effective.type();
            if (type != ScheduleSpec.Type.COSINE_WARMUP) {
                warmupOnly(rules, "warmupEpochs", schedule.warmupEpochs(), type);
                warmupOnly(rules, "warmupSteps", schedule.warmupSteps(), type);
                warmupOnly(rules, "warmupStartLr", schedule.warmupStartLr(), type);
            }
            if (type == ScheduleSpec.Type.CONSTANT && schedule.minLr() != null) {
                rules.reject("minLr", "does not apply to a constant schedule; remove it");
            }
            if (schedule.warmupEpochs() != null && schedule.warmupSteps() != null) {
                rules.reject("warmupEpochs", "give exactly one of warmupEpochs and warmupSteps, not both");
            }
            if (isRate(effective.baseLr())
                    && isRate(effective.warmupStartLr())
                    && effective.baseLr() <= effective.warmupStartLr()) {
                rules.reject(
                        "baseLr",
                        "must be greater than warmupStartLr (" + effective.warmupStartLr()
                                + ") so that warmup rises (was " + effective.baseLr() + ")");
            }
            if (isRate(effective.baseLr()) && isRate(effective.minLr()) && effective.minLr() > effective.baseLr()) {
                rules.reject(
                        "minLr", "must not exceed baseLr (" + effective.baseLr() + ") (was " + effective.minLr() + ")");
            }
            return rules.valid();
        }

        /** Out-of-range rates are the field constraint's to report; the rules between them skip them. */
        private static boolean isRate(Double value) {
            return value != null && Double.isFinite(value) && value >= 0;
        }

        private static void warmupOnly(FieldRules rules, String field, Object value, ScheduleSpec.Type type) {
            if (value != null) {
                rules.reject(field, "applies to cosine-warmup only, not to " + type + "; remove it");
            }
        }
    }
}
