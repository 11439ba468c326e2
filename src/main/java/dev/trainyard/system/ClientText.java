package dev.trainyard.system;

/**
 * Text a client sent, made safe to show back in a problem's detail or to write to a log: control and format
 * characters (line breaks, terminal escapes, NUL, bidirectional overrides) become {@code \}{@code uXXXX} escapes, and
 * anything past {@value #MAX_SHOWN} characters is cut.
 */
public final class ClientText {

    static final int MAX_SHOWN = 60;

    private ClientText() {}

    /** The value as it may be shown: escaped and cut to {@value #MAX_SHOWN} characters. */
    public static String shown(Object value) {
        String text = String.valueOf(value);
        String cut = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) : text;
        return escaped(cut) + (cut.length() < text.length() ? "..." : "");
    }

    /** Every control, format, line or paragraph separator and unpaired surrogate escaped; the rest as it is. */
    public static String escaped(CharSequence text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(text, i)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text.toString() : out.toString();
    }

    /** Whether the text holds any character {@link #escaped} would escape. */
    public static boolean hasUnsafe(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (isUnsafe(text, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnsafe(CharSequence text, int index) {
        char c = text.charAt(index);
        if (Character.isHighSurrogate(c)) {
            return index + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(index + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return index == 0 || !Character.isHighSurrogate(text.charAt(index - 1));
        }
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
