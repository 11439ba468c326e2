package dev.trainyard.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Measures the server as a user runs it: the packaged jar in its own JVM, started with the JVM options under test.
 * Reports start to healthy, the time of a 1,000,000-step schedule preview, the latency of {@code GET
 * /api/v1/jobs/{id}} at a fixed request rate while a seednet job trains (client-side, and the server's own time from
 * Tomcat's access log), then, for a second seednet job of {@code epochs} epochs, its wall time and the server's
 * resident memory at the end of each epoch. Arguments as {@code key=value}: {@code jar=target/trainyard-0.1.0-SNAPSHOT.jar},
 * {@code jvm="-Xmx2g ..."} (options for the server JVM), {@code server="--key=value ..."} (settings for
 * the server), {@code images=20000} (generated JPEGs to train on),
 * {@code epochs=10}, {@code rate=100} (requests per second), {@code seconds=60}.
 */
public final class ServerBenchmark {

    private static final Pattern STATE = Pattern.compile("\"state\":\"(\\w+)\"");
    private static final Pattern EPOCH = Pattern.compile("\"progress\":\\{\"epoch\":(\\d+)");
    private static final Pattern STARTED = Pattern.compile("\"startedAt\":\"([^\"]+)\"");
    private static final Pattern FINISHED = Pattern.compile("\"finishedAt\":\"([^\"]+)\"");
    private static final String LOAD_MARK = "?from=load";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;
    private String token;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        new ServerBenchmark().run(options);
    }

    private void run(Map<String, String> options) throws Exception {
        Path jar = Path.of(options.getOrDefault("jar", "target/trainyard-0.1.0-SNAPSHOT.jar"));
        String jvm = options.getOrDefault("jvm", "");
        int images = Integer.parseInt(options.getOrDefault("images", "20000"));
        int epochs = Integer.parseInt(options.getOrDefault("epochs", "10"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "100"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));

        Path dataDir = Files.createTempDirectory("trainyard-server-bench");
        generateImages(dataDir.resolve("datasets/generated"), images);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!jvm.isBlank()) {
            command.addAll(Arrays.asList(jvm.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--trainyard.data-dir=" + dataDir,
                "--server.port=" + port,
                // the server's own time per request (%D: microseconds), to tell it apart from the client's
                "--server.tomcat.accesslog.enabled=true",
                "--server.tomcat.basedir=" + dataDir.resolve("tomcat"),
                "--server.tomcat.accesslog.directory=" + dataDir.resolve("access"),
                "--server.tomcat.accesslog.prefix=access",
                "--server.tomcat.accesslog.suffix=.log",
                "--server.tomcat.accesslog.rotate=false",
                "--server.tomcat.accesslog.buffered=false",
                "--server.tomcat.accesslog.pattern=%r %s %D"));
        String serverArgs = options.getOrDefault("server", "");
        if (!serverArgs.isBlank()) {
            command.addAll(Arrays.asList(serverArgs.trim().split("\\s+")));
        }
        System.out.printf("trainyard server benchmark, %s; server: %s%n", LocalDate.now(), String.join(" ", command));

        long launched = System.nanoTime();
        Process server = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile())
                .start();
        try {
            double startSeconds = waitUntilHealthy(launched);
            System.out.printf("start to healthy: %.2f s%n", startSeconds);
            token = Files.readString(dataDir.resolve("admin.token")).strip();
            previewTimes();

            // the API load runs against a job of its own, so that its effect on memory (Tomcat's threads and
            // buffers) is in place before the memory job's epoch 2
            String loaded = submit(100);
            waitFor(loaded, "RUNNING");
            load(loaded, rate, seconds);
            serverTimes(dataDir.resolve("access/access.log"), loaded);
            http.send(
                    authorized("/api/v1/jobs/" + loaded + "/cancel")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            waitFor(loaded, "CANCELLED");

            String job = submit(epochs);
            waitFor(job, "RUNNING");
            Map<Integer, Long> rssAtEpochEnd = new TreeMap<>();
            Thread memory = new Thread(() -> sampleMemory(server.pid(), job, rssAtEpochEnd), "memory-sampler");
            memory.start();
            waitFor(job, "SUCCEEDED");
            String finished = get("/api/v1/jobs/" + job);
            Matcher started = STARTED.matcher(finished);
            Matcher ended = FINISHED.matcher(finished);
            if (started.find() && ended.find()) {
                System.out.printf(
                        "job wall time (started to finished, %d epochs of %,d images with evaluation): " + "%.1f s%n",
                        epochs,
                        images,
                        Duration.between(Instant.parse(started.group(1)), Instant.parse(ended.group(1)))
                                        .toMillis()
                                / 1e3);
            }
            memory.join(Duration.ofSeconds(5).toMillis());
            memory.interrupt();
            System.out.printf("resident memory at the end of each epoch (MiB): %s%n", mebibytes(rssAtEpochEnd));
            if (epochs > 2 && rssAtEpochEnd.containsKey(2) && rssAtEpochEnd.containsKey(epochs)) {
                double change = 100.0 * (rssAtEpochEnd.get(epochs) - rssAtEpochEnd.get(2)) / rssAtEpochEnd.get(2);
                System.out.printf("resident memory epoch 2 -> epoch %d: %+.1f%%%n", epochs, change);
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private double waitUntilHealthy(long launched) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return (System.nanoTime() - launched) / 1e9;
                }
            } catch (IOException notYet) {
                // the port is not open yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the server did not become healthy within 2 minutes");
    }

    /** A 1,000,000-step cosine-warmup preview, timed from request to full response, 3 warm-up then 20 timed. */
    private void previewTimes() throws Exception {
        String body = "{\"schedule\":{\"type\":\"cosine-warmup\",\"baseLr\":0.1,\"warmupEpochs\":1},"
                + "\"epochs\":100,\"stepsPerEpoch\":10000}";
        double[] ms = new double[20];
        for (int i = -3; i < ms.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(
                    authorized("/api/v1/schedules/preview")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("preview answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        System.out.printf(
                "schedule preview, 1,000,000 steps (2,000 points returned), client-side over loopback: "
                        + "median %.1f ms, max %.1f ms (20 requests)%n",
                ms[ms.length / 2], ms[ms.length - 1]);
    }

    private String submit(int epochs) throws Exception {
        String spec = "{\"name\":\"server benchmark\",\"model\":\"seednet\",\"dataset\":{\"name\":\"imagefolder\","
                + "\"path\":\"generated\"},\"epochs\":" + epochs + ",\"batchSize\":64,\"schedule\":{\"type\":"
                + "\"cosine-warmup\",\"baseLr\":0.01,\"warmupEpochs\":1}}";
        HttpResponse<String> response = http.send(
                authorized("/api/v1/jobs")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(spec))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]+)\"").matcher(response.body());
        if (response.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("submission answered " + response.statusCode() + ": " + response.body());
        }
        return id.group(1);
    }

    /** GETs the job at a fixed rate (open loop: a slow answer does not delay the next request). */
    private void load(String job, int rate, int seconds) throws Exception {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        HttpRequest request = authorized("/api/v1/jobs/" + job + LOAD_MARK)
                .timeout(Duration.ofSeconds(10))
                .build();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; i < (long) rate * seconds; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long sent = System.nanoTime();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        latencies.add((System.nanoTime() - sent) / 1e6);
                        if (failure != null || response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double[] sorted =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(
                "GET /api/v1/jobs/{id} at %d requests/s for %d s while seednet trains: %d requests, "
                        + "%d errors; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                rate,
                seconds,
                sorted.length,
                errors.get(),
                percentile(sorted, 50),
                percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The server's time for the load's GETs (marked by a query parameter the API ignores), from Tomcat's log. */
    private static void serverTimes(Path accessLog, String job) throws IOException {
        String jobLine = "GET /api/v1/jobs/" + job + LOAD_MARK + " HTTP/1.1 200 ";
        List<Double> times = new ArrayList<>();
        for (String line : Files.readAllLines(accessLog)) {
            if (line.startsWith(jobLine)) {
                times.add(Long.parseLong(line.substring(jobLine.length()).strip()) / 1e3);
            }
        }
        double[] sorted =
                times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(
                "  the same requests, server time (Tomcat access log): p50 %.1f ms, p99 %.1f ms, " + "max %.1f ms%n",
                percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    private static double percentile(double[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Records the server's resident memory each time the job's epoch number moves on. */
    private void sampleMemory(long pid, String job, Map<Integer, Long> rssAtEpochEnd) {
        int epoch = 1;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long rss = residentBytes(pid);
                String body = get("/api/v1/jobs/" + job);
                Matcher current = EPOCH.matcher(body);
                int now = current.find() ? Integer.parseInt(current.group(1)) : epoch;
                if (now > epoch || body.contains("\"SUCCEEDED\"")) {
                    rssAtEpochEnd.put(epoch, rss);
                    if (now <= epoch) {
                        return;
                    }
                    epoch = now;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    private static Map<Integer, Long> mebibytes(Map<Integer, Long> bytes) {
        Map<Integer, Long> result = new TreeMap<>();
        bytes.forEach((epoch, value) -> result.put(epoch, value / (1024 * 1024)));
        return result;
    }

    private void waitFor(String job, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher current = STATE.matcher(get("/api/v1/jobs/" + job));
            if (current.find() && current.group(1).equals(state)) {
                return;
            }
            if (current.find(0) && List.of("FAILED", "CANCELLED").contains(current.group(1))) {
                throw new IllegalStateException("the job ended " + current.group(1));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the job did not reach " + state);
    }

    private String get(String path) throws IOException {
        try {
            return http.send(authorized(path).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
    }

    static void generateImages(Path folder, int count) throws IOException {
        Random random = new Random(11);
        for (int i = 0; i < count; i++) {
            Path classFolder = Files.createDirectories(folder.resolve("class" + i % 10));
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            int tint = (i % 10) * 25;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    image.setRGB(x, y, (tint << 16) | random.nextInt(1 << 16));
                }
            }
            ImageIO.write(
                    image,
                    "jpg",
                    classFolder.resolve(String.format("%05d.jpg", i)).toFile());
        }
    }
}
