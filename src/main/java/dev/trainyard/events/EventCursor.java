package dev.trainyard.events;

import dev.trainyard.system.InvalidRequestException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a stream got, as its event ids carry it and {@code Last-Event-ID} gives it back: the seq of the last job
 * event sent, and for one job's stream how many of its steps were sent.
 */
record EventCursor(long seq, long steps) {

    static final EventCursor START = new EventCursor(0, 0);

    private static final Pattern ID = Pattern.compile("(\\d{1,18})(?:\\.(\\d{1,18}))?");

    /** The cursor a {@code Last-Event-ID} names; a stream without one starts at {@code otherwise}. */
    static EventCursor parse(String lastEventId, EventCursor otherwise) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return otherwise;
        }
        Matcher id = ID.matcher(lastEventId.strip());
        if (!id.matches()) {
            throw InvalidRequestException.of(
                    "Last-Event-ID", "must be the id of an event this stream sent, such as 42 or 42.1280");
        }
        return new EventCursor(Long.parseLong(id.group(1)), id.group(2) == null ? 0 : Long.parseLong(id.group(2)));
    }

    String jobStreamId() {
        return seq + "." + steps;
    }

    String allJobsStreamId() {
        return Long.toString(seq);
    }
}
