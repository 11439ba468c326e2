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

/** A preview counts its steps one way: given directly, or from a batch size over a dataset. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentPreview.Validator.class)
public @interface ConsistentPreview {

    String message() default "must count its steps one way";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ConsistentPreview, SchedulePreviewRequest> {
        @Override
        public boolean isValid(SchedulePreviewRequest request, ConstraintValidatorContext context) {
            if (request == null) {
                return true;
            }
            FieldRules rules = new FieldRules(context);
            if ((request.stepsPerEpoch() == null) == (request.batchSize() == null)) {
                rules.reject("stepsPerEpoch", "give exactly one of stepsPerEpoch and batchSize");
            }
            if (request.stepsPerEpoch() != null && request.dataset() != null) {
                rules.reject("dataset", "applies with batchSize only; steps per epoch were given directly");
            }
            return rules.valid();
        }
    }
}
