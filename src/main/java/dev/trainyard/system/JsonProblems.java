package dev.trainyard.system;

import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What was wrong with JSON that could not be read as a request, in the API's words: the field's path and the value
 * it needs, never the server's classes. The error handler and the experiments' trial specs use the same words.
 */
public final class JsonProblems {

    private JsonProblems() {}

    /** Why a value could not be read, in the API's words: "must be a whole number". */
    public static String reason(DatabindException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof InvalidFormatException format) {
            return "must be " + describe(format.getTargetType()) + " (was " + ClientText.shown(format.getValue()) + ")";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "must be " + describe(mismatch.getTargetType());
        }
        return "has the wrong type or is out of range";
    }

    /** A type as a client knows it: "a number", "one of [grid, random]". */
    public static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number" + (type == Integer.class || type == int.class ? " of at most 2147483647" : "");
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            // the constants' toString is their JSON name
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (type == java.util.UUID.class) {
            return "an id (a UUID)";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    /** Where in the JSON the problem is, as a field path: {@code schedule.baseLr}, {@code values[2]}. */
    public static String path(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
