package dev.trainyard.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A stream's end on the sender threads: a client that went away never leaves an exception behind. */
class EventStreamTest {

    private final AtomicInteger closes = new AtomicInteger();

    private EventStream stream(EventSender sender, Runnable complete) {
        return new EventStream(
                "alice", false, null, EventCursor.START, sender, complete, Runnable::run, 10, closes::incrementAndGet);
    }

    @Test
    void aWriteThatFailsEndsTheStreamEvenWhenTheResponseRefusesToComplete() {
        List<List<StreamEvent>> written = new ArrayList<>();
        EventStream stream = stream(
                events -> {
                    written.add(events);
                    throw new IOException("Broken pipe");
                },
                () -> {
                    // what Tomcat does once an async request has failed
                    throw new IllegalStateException("the AsyncContext was used after an error");
                });

        stream.send(new StreamEvent("1", "state", "{}"));
        stream.send(new StreamEvent("2", "state", "{}"));

        assertThat(written).hasSize(1);
        assertThat(closes).hasValue(1);
    }

    @Test
    void aStreamClosedTwiceCompletesItsResponseOnce() {
        AtomicInteger completions = new AtomicInteger();
        EventStream stream = stream(events -> {}, completions::incrementAndGet);

        stream.close();
        stream.close();

        assertThat(completions).hasValue(1);
        assertThat(closes).hasValue(1);
    }
}
