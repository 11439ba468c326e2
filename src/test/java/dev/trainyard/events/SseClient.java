package dev.trainyard.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client for tests, parsing text/event-stream as the HTML standard says (id, event, data
 * lines, a blank line ends an event, lines starting with a colon are comments), the way a browser's EventSource does.
 */
final class SseClient implements AutoCloseable {

    /** One event; {@code name} is "message" when the stream named none. */
    record Event(String id, String name, String data) {}

    private static final Event END = new Event(null, null, null);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new ArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        if (response.statusCode() == 200) {
            reader.start();
        }
    }

    /** Opens {@code path}; {@code lastEventId} may be null. The answer's status is in {@link #status()}. */
    static SseClient open(int port, String token, String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response =
                HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(response);
    }

    int status() {
        return response.statusCode();
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    /** The body of an answer that is not a stream (a problem). */
    String body() throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The next event, or null when the stream ended or none came within {@code timeout}. */
    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return event == END ? null : event;
    }

    /**
     * Events until one matches {@code last} (included), the stream ends, or {@code timeout} passes.
     */
    List<Event> until(Predicate<Event> last, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Event> received = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            Event event = next(Duration.between(Instant.now(), deadline));
            if (event == null) {
                break;
            }
            received.add(event);
            if (last.test(event)) {
                break;
            }
        }
        return received;
    }

    /** Whether the server ended the stream. */
    boolean ended() {
        return ended;
    }

    synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    synchronized (this) {
                        comments.add(line.substring(1).strip());
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        default -> {}
                    }
                }
            }
        } catch (IOException closed) {
            // the test closed the stream
        } finally {
            ended = true;
            events.add(END);
        }
    }

    /** Drops the connection, as a client that goes away does. */
    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
