package dev.trainyard.events;

import java.io.IOException;

/** Writes one message to a stream's client. */
@FunctionalInterface
interface EventSender {

    /** @throws IOException when the client is gone */
    void send(StreamEvent event) throws IOException;
}
