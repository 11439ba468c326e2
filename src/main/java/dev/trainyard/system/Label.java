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
 * A label a client names something by and reads back in lists and logs: 1 to {@value #MAX_LENGTH} characters, not
 * blank, and no control or format characters (which would break a terminal or a log line).
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Label.Validator.class)
public @interface Label {

    int MAX_LENGTH = 100;

    String message() default "must be a label";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Null is valid: the field takes its default. */
    final class Validator implements ConstraintValidator<Label, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            FieldRules rules = new FieldRules(context);
            if (value.isBlank() || value.length() > MAX_LENGTH) {
                rules.reject("must be 1 to " + MAX_LENGTH + " characters and not blank (was " + value.length() + ")");
            } else if (ClientText.hasUnsafe(value)) {
                rules.reject("must not contain control or format characters (line breaks, tabs, NUL, terminal "
                        + "escapes, bidirectional overrides)");
            }
            return rules.valid();
        }
    }
}
