package dev.trainyard.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on 127.0.0.1 for tests, answering by path: {@code /ok} 204, {@code /flaky} 500 the first time it
 * sees a webhook-id and 200 after, {@code /gone} 410, {@code /redirect} 302 to {@code /ok}, and {@code /slow} holds
 * every request open until {@link #releaseSlow()}.
 */
final class WebhookReceiver implements AutoCloseable {

    /** A request as it arrived, and the status it was answered with (0 while held open). */
    record Request(
            String path,
            String id,
            String timestamp,
            String signature,
            String contentType,
            String body,
            int status,
            Instant at) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final Set<String> flakySeen = ConcurrentHashMap.newKeySet();
    private final CountDownLatch slow = new CountDownLatch(1);
    private final Set<String> heldOpen = ConcurrentHashMap.newKeySet();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> received(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    /** Requests to /slow waiting for an answer now. */
    int heldOpen() {
        return heldOpen.size();
    }

    void releaseSlow() {
        slow.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        int status;
        switch (path) {
            case "/ok" -> status = 204;
            case "/flaky" -> status = flakySeen.add(id) ? 500 : 200;
            case "/gone" -> status = 410;
            case "/redirect" -> {
                exchange.getResponseHeaders().add("Location", "/ok");
                status = 302;
            }
            case "/slow" -> {
                String key = id + "@" + System.nanoTime();
                heldOpen.add(key);
                try {
                    slow.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    heldOpen.remove(key);
                }
                status = 200;
            }
            default -> status = 404;
        }
        received.add(new Request(
                path,
                id,
                exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                exchange.getRequestHeaders().getFirst("webhook-signature"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                body,
                status,
                Instant.now()));
        exchange.sendResponseHeaders(status, status == 204 ? -1 : 0);
        exchange.close();
    }

    @Override
    public void close() {
        releaseSlow();
        server.stop(0);
        threads.shutdownNow();
    }
}
