package dev.trainyard.system;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem with a request so the client sees them all at once, not one per attempt. */
public final class Violations {

    private final List<FieldViolation> found = new ArrayList<>();

    public void add(String field, String message) {
        found.add(new FieldViolation(field, message));
    }

    public void requireRange(String field, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            add(field, "must be between " + min + " and " + max + " (was " + value + ")");
        }
    }

    public void requireRate(String field, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0)) {
            add(field, "must be a finite number >= 0 (was " + value + ")");
        }
    }

    /** Throws {@link InvalidRequestException} when anything was found. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidRequestException(List.copyOf(found));
        }
    }
}
