package dev.trainyard.events;

import java.io.IOException;
import java.util.List;

/** Writes messages to a stream's client. */
@FunctionalInterface
interface EventSender {

    /**
     * Writes {@code events} in order and flushes once.
     *
     * @throws IOException when the client is gone
     */
    void send(List<StreamEvent> events) throws IOException;
}
