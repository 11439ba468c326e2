package dev.trainyard.system;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import org.springframework.stereotype.Component;

/**
 * Checks a request record against the constraints declared on it (ranges, rates, nested records marked
 * {@code @Valid}); each violation is added under its JSON path, so a client sees these and the rules a service
 * checks itself (folders, the dataset's size) in one answer. The same declarations give OpenAPI its bounds.
 */
@Component
public class RequestValidation {

    private final Validator validator;

    public RequestValidation(Validator validator) {
        this.validator = validator;
    }

    public void check(Object request, Violations violations) {
        validator.validate(request).stream()
                .sorted(Comparator.comparing(
                        violation -> violation.getPropertyPath().toString()))
                .forEach(violation -> violations.add(field(violation), violation.getMessage()));
    }

    private static String field(ConstraintViolation<?> violation) {
        return violation.getPropertyPath().toString();
    }
}
