package dev.trainyard.system;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem with a request so the client sees them all at once, not one per attempt. */
public final class Violations {

    private final List<FieldViolation> found = new ArrayList<>();

    public void add(String field, String message) {
        found.add(new FieldViolation(field, message));
    }

    /** Throws {@link InvalidRequestException} when anything was found. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidRequestException(List.copyOf(found));
        }
    }
}
