package dev.trainyard.system;

/**
 * One offending field of a request, as reported in a validation problem.
 *
 * @param field the JSON path of the field, e.g. {@code schedule.baseLr}
 * @param message what is wrong and what is accepted
 */
public record FieldViolation(String field, String message) {}
