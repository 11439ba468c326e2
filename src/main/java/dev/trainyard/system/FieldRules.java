package dev.trainyard.system;

import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.ConstraintValidatorContext.ConstraintViolationBuilder.NodeBuilderCustomizableContext;

/**
 * The violations a class-level constraint finds, each reported at the field it concerns, so a rule between fields
 * reads in a problem's {@code errors} like a rule on one field ({@code schedule.baseLr}, not {@code schedule}).
 */
public final class FieldRules {

    private final ConstraintValidatorContext context;
    private boolean valid = true;

    public FieldRules(ConstraintValidatorContext context) {
        this.context = context;
        context.disableDefaultConstraintViolation();
    }

    /**
     * Reports {@code message} at {@code path}, dot-separated below the validated object. The message is shown as
     * written: it is not a template, so values quoted in it are never interpolated.
     */
    public void reject(String path, String message) {
        valid = false;
        String[] nodes = path.split("\\.");
        NodeBuilderCustomizableContext node =
                context.buildConstraintViolationWithTemplate(literal(message)).addPropertyNode(nodes[0]);
        for (int i = 1; i < nodes.length; i++) {
            node = node.addPropertyNode(nodes[i]);
        }
        node.addConstraintViolation();
    }

    /** Reports {@code message} at the validated value itself, as written (see {@link #reject(String, String)}). */
    public void reject(String message) {
        valid = false;
        context.buildConstraintViolationWithTemplate(literal(message)).addConstraintViolation();
    }

    /** Whether nothing was rejected. */
    public boolean valid() {
        return valid;
    }

    private static String literal(String message) {
        return message.replaceAll("([\\\\{}$])", "\\\\$1");
    }
}
