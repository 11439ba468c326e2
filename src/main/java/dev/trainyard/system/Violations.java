package dev.trainyard.system;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem with a request so the client sees them all at once, not one per attempt. */
public final class Violations {

    private final List<FieldViolation> found;
    private final String prefix;

    public Violations() {
        this(new ArrayList<>(), "");
    }

    private Violations(List<FieldViolation> found, String prefix) {
        this.found = found;
        this.prefix = prefix;
    }

    /**
     * The same collection, naming every field it is given under {@code path}: a nested object's own checks, e.g. an
     * experiment's trial {@code trials[3]}, report {@code trials[3].epochs}.
     */
    public Violations under(String path) {
        return new Violations(found, prefix + path + ".");
    }

    public void add(String field, String message) {
        found.add(new FieldViolation(prefix + field, message));
    }

    /** Adds every violation of a refused request, under this collection's path. */
    public void addAll(InvalidRequestException refused) {
        refused.violations().forEach(violation -> add(violation.field(), violation.message()));
    }

    /** How many were found so far, under any path. */
    public int size() {
        return found.size();
    }

    /** Throws {@link InvalidRequestException} when anything was found. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidRequestException(List.copyOf(found));
        }
    }
}
