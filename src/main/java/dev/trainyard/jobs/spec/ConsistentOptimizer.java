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

/** Momentum settings on SGD only, and only the momentum DL4J has (Nesterov's); each reported at its field. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentOptimizer.Validator.class)
public @interface ConsistentOptimizer {

    String message() default "must be a consistent optimizer";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ConsistentOptimizer, OptimizerSpec> {
        @Override
        public boolean isValid(OptimizerSpec optimizer, ConstraintValidatorContext context) {
            if (optimizer == null) {
                return true;
            }
            FieldRules rules = new FieldRules(context);
            boolean sgd = optimizer.type() == null || optimizer.type() == OptimizerSpec.Type.SGD;
            if (!sgd && optimizer.momentum() != null) {
                rules.reject("momentum", "applies to sgd only; Adam keeps its own moment estimates");
            }
            if (!sgd && optimizer.nesterov() != null) {
                rules.reject("nesterov", "applies to sgd only");
            }
            if (sgd
                    && Boolean.FALSE.equals(optimizer.nesterov())
                    && (optimizer.momentum() == null || optimizer.momentum() > 0)) {
                rules.reject(
                        "nesterov",
                        "classical (non-Nesterov) momentum is not available; use \"nesterov\": true, or "
                                + "\"momentum\": 0 for plain SGD");
            }
            return rules.valid();
        }
    }
}
