package dev.trainyard.system.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Context;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * What a log line may not carry: credentials (an {@code Authorization} header's value, a bearer token, wherever they
 * appear: a container's message about a malformed header quotes the header), and characters that forge or hide log
 * lines (carriage returns, terminal escapes, NUL, bidirectional overrides). A line break stays but the text after it is
 * indented, so it cannot pass for a new entry.
 */
public final class LogRedaction {

    static final String REDACTED = "[redacted]";
    /** The logging context's object under which the secrets to redact are kept: logging is the process's. */
    static final String SECRETS = "trainyard.redacted-secrets";

    private static final Pattern AUTHORIZATION =
            Pattern.compile("(?i)(authorization\\s*[:=]\\s*\"?)[^\\r\\n\\]\\[\",;}]*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\\]\\[\",;}]+");

    private LogRedaction() {}

    /**
     * Makes every later log line redact these secrets (the API tokens), wherever they appear: a client may put a
     * token in any header, and the container quotes a malformed header whole.
     */
    public static void registerSecrets(Collection<String> secrets) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            secrets(context).addAll(secrets);
        }
    }

    @SuppressWarnings("unchecked")
    static Set<String> secrets(Context context) {
        synchronized (context) {
            Object secrets = context.getObject(SECRETS);
            if (secrets == null) {
                secrets = ConcurrentHashMap.newKeySet();
                context.putObject(SECRETS, secrets);
            }
            return (Set<String>) secrets;
        }
    }

    /** The text with credentials replaced by {@value #REDACTED} and unsafe characters escaped. */
    public static String clean(String text, Set<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, REDACTED);
        }
        redacted = BEARER.matcher(AUTHORIZATION.matcher(redacted).replaceAll("$1" + REDACTED))
                .replaceAll("$1" + REDACTED);
        return escape(redacted);
    }

    private static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = null;
            if (c == '\n') {
                replacement = i + 1 < text.length() && text.charAt(i + 1) == '\t' ? null : "\n\t";
            } else if (c != '\t' && isUnsafe(c)) {
                replacement = String.format("\\u%04x", (int) c);
            }
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isUnsafe(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
