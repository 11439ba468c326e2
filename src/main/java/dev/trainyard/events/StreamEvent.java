package dev.trainyard.events;

/**
 * One message of a text/event-stream: an event with an id, a name and JSON data, or a comment line that keeps an
 * idle connection open.
 */
record StreamEvent(String id, String name, String data) {

    static final StreamEvent HEARTBEAT = new StreamEvent(null, null, null);

    boolean isComment() {
        return name == null;
    }
}
