package dev.trainyard.system;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A learning rate or a decay coefficient: a finite number, at least 0. why: JSON cannot write infinity, but a number
 * such as 1e400 reads as one, and {@code @PositiveOrZero} lets it through.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Rate.Validator.class)
public @interface Rate {

    String message() default "must be a finite number >= 0 (was ${validatedValue})";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is valid: the field takes its default. */
    final class Validator implements ConstraintValidator<Rate, Double> {
        @Override
        public boolean isValid(Double value, ConstraintValidatorContext context) {
            return value == null || (Double.isFinite(value) && value >= 0);
        }
    }
}
