package dev.trainyard.system;

import java.util.List;

/** A request that parsed but breaks the API's rules; answered 400 with every violation listed. */
public class InvalidRequestException extends RuntimeException {

    private final List<FieldViolation> violations;

    public InvalidRequestException(List<FieldViolation> violations) {
        super(
                violations.size() == 1
                        ? violations.get(0).field() + " " + violations.get(0).message()
                        : violations.size() + " fields are invalid; see 'errors'");
        this.violations = violations;
    }

    public static InvalidRequestException of(String field, String message) {
        return new InvalidRequestException(List.of(new FieldViolation(field, message)));
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
