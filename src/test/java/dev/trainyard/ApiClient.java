package dev.trainyard;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for tests against a server on a real port, as curl would use it. */
public final class ApiClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final int port;
    private final String base;
    private final String token;

    public ApiClient(int port, String token) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public int port() {
        return port;
    }

    /** The same server with another token (null: none). */
    public ApiClient as(String otherToken) {
        return new ApiClient(port, otherToken);
    }

    public HttpResponse<String> get(String path) {
        return get(path, "application/json");
    }

    /** GETs with extra headers, given as name, value, name, value... */
    public HttpResponse<String> get(String path, String accept, String... headers) {
        HttpRequest.Builder builder = request(path).header("Accept", accept).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path) {
        return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> post(String path, String body) {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs JSON with extra headers, given as name, value, name, value... */
    public HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder builder = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode json(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    /** GETs {@code path} until {@code until} holds for its JSON, or fails after {@code timeout}. */
    public JsonNode poll(String path, Duration timeout, Predicate<JsonNode> until) throws InterruptedException {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return await().atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> {
                                last.set(json(get(path)));
                                return last.get();
                            },
                            until::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("gave up after " + timeout + " polling " + path + "; last answer: " + last.get());
        }
    }

    /** Polls {@code /actuator/health} until it answers 200, for a server started in another process. */
    public ApiClient awaitHealthy(Duration timeout, Path serverLog) throws InterruptedException {
        try {
            await().atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreException(UncheckedIOException.class)
                    .until(() -> get("/actuator/health").statusCode() == 200);
            return this;
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the server did not become healthy; see " + serverLog);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
