package dev.trainyard.events;

import dev.trainyard.jobs.JobSnapshot;
import dev.trainyard.system.InvalidRequestException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a long poll ({@code GET /jobs/{id}?waitFor=...&timeout=...}) waits for, and for how long at most. */
final class WaitCondition {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,7})(ms|s|m)?");

    private WaitCondition() {}

    /**
     * @param waitFor     {@code terminal}: the job finished; {@code change}: its ETag is no longer {@code etag}
     * @param etag        the client's If-None-Match, or the job's ETag now when it sent none
     */
    static Predicate<JobSnapshot> of(String waitFor, String etag) {
        if ("terminal".equals(waitFor)) {
            return snapshot -> snapshot.job().state().isFinished();
        }
        if ("change".equals(waitFor)) {
            return snapshot -> !snapshot.etag().equals(etag);
        }
        throw InvalidRequestException.of("waitFor", "must be 'terminal' or 'change'");
    }

    /** A timeout such as {@code 30s}, {@code 500ms}, {@code 2m} or {@code 30} (seconds), up to {@code max}. */
    static Duration timeout(String timeout, Duration max) {
        if (timeout == null) {
            return DEFAULT_TIMEOUT.compareTo(max) < 0 ? DEFAULT_TIMEOUT : max;
        }
        Matcher value = TIMEOUT.matcher(timeout.strip());
        if (!value.matches()) {
            throw InvalidRequestException.of("timeout", "must be a duration such as 30s, 500ms or 2m");
        }
        long amount = Long.parseLong(value.group(1));
        String unit = value.group(2) == null ? "s" : value.group(2);
        Duration parsed = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (parsed.compareTo(max) > 0) {
            throw InvalidRequestException.of(
                    "timeout", "must be at most " + describe(max) + " (was " + timeout.strip() + ")");
        }
        return parsed;
    }

    /** An If-None-Match value as the ETag it names: a weak tag's {@code W/} prefix dropped. */
    static String etagOf(String ifNoneMatch) {
        String tag = ifNoneMatch.strip();
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
