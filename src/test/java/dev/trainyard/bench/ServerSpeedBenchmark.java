package dev.trainyard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training speed through the server, as a user gets it: the packaged jar in its own JVM with the README's options,
 * a seednet job (batch 64, data pipeline, augmentation) submitted over HTTP, its progress polled every 50 ms. The
 * rate is the steps between the first progress report at or past step {@code from} and the last one before the end,
 * times 64 images, over the wall time between them: steps over wall-clock time, with whatever the server does
 * besides (progress writes, metrics, the prefetch thread). Variants of the server's settings and the PyTorch peer
 * ({@link PeerBench}) take turns in each round, one server at a time on the same data directory.
 *
 * <p>A variant's {@code streams=N}, {@code polls=N} and {@code waiters=N} ({@code watchers=N}: streams and polls)
 * are not server settings: while its job trains, N clients follow the job's event stream (reading every byte), N hold
 * long polls on any change of it ({@code waitFor=change}, each asked again as soon as it is answered, as a live view
 * would), and N wait for it to end ({@code waitFor=terminal}, asked again at each timeout, as a script's {@code wait}
 * would). The CPU time the server and this JVM (the watching clients, mostly) used during the job is printed with
 * them, and the server's CPU by thread name between the two progress reports the rate is measured over. A variant's
 * {@code jar=<path>} runs that jar instead of {@code jar}'s (to compare builds in one run), and each
 * {@code jvm=<option>} is added to the server's JVM options.
 *
 * <p>Arguments as {@code key=value}: {@code data=<data-dir>} (required; its {@code datasets/<path>} is the image
 * folder), {@code path=cifar10-jpg/train}, {@code jar=target/trainyard-0.1.0-SNAPSHOT.jar},
 * {@code variants="onednn:--trainyard.training.convolutions=onednn|dl4j:--trainyard.training.convolutions=dl4j"}
 * (name, then server settings separated by spaces; variants by {@code |}), {@code rounds=3}, {@code images=25600}
 * (the job trains on the first N images), {@code epochs=1}, {@code from=50}, {@code progress=50ms} (the server's progress
 * interval: how often the measured step count is reported, and how often a job changes for its watchers), and the
 * peer's options.
 */
public final class ServerSpeedBenchmark {

    private static final Pattern STEP = Pattern.compile("\"progress\":\\{\"epoch\":\\d+,\"step\":(\\d+)");
    private static final Pattern STATE = Pattern.compile("\"state\":\"(\\w+)\"");
    private static final List<String> JVM = List.of(
            "-Xms1g",
            "-Xmx1g",
            "-XX:+AlwaysPreTouch",
            "-Dorg.bytedeco.javacpp.maxbytes=2g",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=4g");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> options;

    private ServerSpeedBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        new ServerSpeedBenchmark(options).run();
    }

    private void run() throws Exception {
        Path dataDir = Path.of(options.get("data"));
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String variant : options.getOrDefault(
                        "variants",
                        "onednn:--trainyard.training.convolutions=onednn|"
                                + "dl4j:--trainyard.training.convolutions=dl4j")
                .split("\\|")) {
            int colon = variant.indexOf(':');
            variants.put(
                    variant.substring(0, colon),
                    List.of(variant.substring(colon + 1).trim().split("\\s+")));
        }
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int images = Integer.parseInt(options.getOrDefault("images", "25600"));
        int from = Integer.parseInt(options.getOrDefault("from", "50"));
        Optional<PeerBench> peer = PeerBench.from(options);
        System.out.printf(
                "trainyard server speed benchmark, %s: seednet, batch 64, %s epoch(s) of %,d images from %s; "
                        + "JVM %s, GOMP_SPINCOUNT=1000, progress reported every %s; rate = (steps between the progress "
                        + "reports at step >= %d and the last before the end) x 64 / their wall time; %d rounds, each: "
                        + "%s%s%n",
                LocalDate.now(),
                options.getOrDefault("epochs", "1"),
                images,
                dataDir.resolve("datasets").resolve(options.getOrDefault("path", "cifar10-jpg/train")),
                String.join(" ", JVM),
                options.getOrDefault("progress", "50ms"),
                from,
                rounds,
                String.join(", ", variants.keySet()),
                peer.isPresent() ? ", then the PyTorch peer (pre-staged batches)" : "");
        Map<String, double[]> rates = new LinkedHashMap<>();
        variants.keySet().forEach(name -> rates.put(name, new double[rounds]));
        double[] peerRates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                List<String> settings = variant.getValue().stream()
                        .filter(setting -> !WATCHERS.matcher(setting).matches()
                                && !setting.startsWith("jar=")
                                && !setting.startsWith("jvm="))
                        .toList();
                List<String> jvmOptions = valuesOf(variant.getValue(), "jvm=");
                String jar = valuesOf(variant.getValue(), "jar=").stream()
                        .findFirst()
                        .orElse(options.getOrDefault("jar", "target/trainyard-0.1.0-SNAPSHOT.jar"));
                double rate = trainThroughServer(
                        dataDir, jar, jvmOptions, settings, WatcherCounts.of(variant.getValue()), images, from);
                rates.get(variant.getKey())[round] = rate;
                line.append(String.format(" %s %.0f images/s;", variant.getKey(), rate));
            }
            if (peer.isPresent()) {
                peerRates[round] = 64 * 1000 / peer.get().msPerStep(200);
                line.append(String.format(" peer %.0f images/s", peerRates[round]));
            }
            System.out.println(line);
        }
        for (Map.Entry<String, double[]> variant : rates.entrySet()) {
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = variant.getValue()[round] / peerRates[round];
            }
            System.out.printf(
                    "%s: median %.0f images/s (rounds %s)%s%n",
                    variant.getKey(),
                    median(variant.getValue()),
                    Arrays.toString(
                            Arrays.stream(variant.getValue()).map(Math::round).toArray()),
                    peer.isPresent()
                            ? String.format(
                                    "; / peer per round %s, median %.2fx",
                                    Arrays.toString(Arrays.stream(ratios)
                                            .map(r -> Math.round(r * 100) / 100.0)
                                            .toArray()),
                                    median(ratios))
                            : "");
        }
        if (peer.isPresent()) {
            System.out.printf(
                    "peer: median %.0f images/s (rounds %s)%n",
                    median(peerRates),
                    Arrays.toString(Arrays.stream(peerRates).map(Math::round).toArray()));
        }
    }

    /** The values of a variant's {@code <prefix><value>} pseudo-settings, in order. */
    private static List<String> valuesOf(List<String> variant, String prefix) {
        return variant.stream()
                .filter(setting -> setting.startsWith(prefix))
                .map(setting -> setting.substring(prefix.length()))
                .toList();
    }

    private static final Pattern WATCHERS = Pattern.compile("(watchers|streams|polls|waiters)=(\\d+)");

    /** The clients a variant names to watch its job. */
    private record WatcherCounts(int streams, int polls, int waiters) {

        static WatcherCounts of(List<String> variant) {
            int streams = 0;
            int polls = 0;
            int waiters = 0;
            for (String setting : variant) {
                Matcher matcher = WATCHERS.matcher(setting);
                if (matcher.matches()) {
                    int count = Integer.parseInt(matcher.group(2));
                    String kind = matcher.group(1);
                    streams += kind.equals("streams") || kind.equals("watchers") ? count : 0;
                    polls += kind.equals("polls") || kind.equals("watchers") ? count : 0;
                    waiters += kind.equals("waiters") ? count : 0;
                }
            }
            return new WatcherCounts(streams, polls, waiters);
        }

        int total() {
            return streams + polls + waiters;
        }
    }

    /** Starts a server with {@code settings}, trains one job through it, stops it; the job's images per second. */
    private double trainThroughServer(
            Path dataDir,
            String jar,
            List<String> jvmOptions,
            List<String> settings,
            WatcherCounts watchers,
            int images,
            int from)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM);
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                jar,
                "--trainyard.data-dir=" + dataDir,
                "--server.port=" + port,
                "--trainyard.executor.progress-interval=" + options.getOrDefault("progress", "50ms")));
        command.addAll(settings);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("server-speed.log").toFile()));
        builder.environment().put("GOMP_SPINCOUNT", "1000");
        Process server = builder.start();
        try {
            waitUntilHealthy(base);
            String token = Files.readString(dataDir.resolve("admin.token")).strip();
            String spec = "{\"name\":\"server speed\",\"model\":\"seednet\",\"dataset\":{\"name\":\"imagefolder\","
                    + "\"path\":\"" + options.getOrDefault("path", "cifar10-jpg/train") + "\",\"trainLimit\":"
                    + images + "},\"augment\":{\"randomCrop\":4,\"horizontalFlip\":true,\"normalize\":true},"
                    + "\"epochs\":" + options.getOrDefault("epochs", "1")
                    + ",\"batchSize\":64,\"optimizer\":{\"type\":\"sgd\",\"momentum\":0.9,"
                    + "\"nesterov\":true,\"weightDecay\":0.0005},\"schedule\":{\"type\":\"cosine-warmup\","
                    + "\"baseLr\":0.05,\"warmupSteps\":100},\"seed\":1}";
            HttpResponse<String> created = http.send(
                    request(base, token, "/api/v1/jobs")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(spec))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]+)\"").matcher(created.body());
            if (created.statusCode() != 201 || !id.find()) {
                throw new IllegalStateException("submission answered " + created.statusCode() + ": " + created.body());
            }
            String job = "/api/v1/jobs/" + id.group(1);
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            long clientCpuBefore = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            Duration serverCpuBefore = server.info().totalCpuDuration().orElse(Duration.ZERO);
            long wallBefore = System.nanoTime();
            try (Watchers watching = new Watchers(base, token, job, watchers)) {
                Measured measured = followRate(base, token, job, from, server.pid());
                watching.check();
                System.out.printf(
                        "  during the job (%.1f s): server CPU %.1f s, this JVM's CPU %.1f s%n",
                        (System.nanoTime() - wallBefore) / 1e9,
                        (server.info().totalCpuDuration().orElse(Duration.ZERO).toMillis() - serverCpuBefore.toMillis())
                                / 1e3,
                        (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - clientCpuBefore) / 1e9);
                measured.printCpuByThread();
                return measured.rate();
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * The job's rate, and what the server's threads (by name) and the database's processes used of the CPU between
     * the same two progress reports: where the watchers' cost lands, which the rate alone is too noisy to show.
     */
    private record Measured(double rate, double seconds, Map<String, Double> server, Map<String, Double> database) {

        /** Each group's CPU in ms per second of the window, down to 5 ms/s (the rest summed). */
        void printCpuByThread() {
            StringBuilder line =
                    new StringBuilder(String.format("  CPU ms per second over the %.1f s measured: server", seconds));
            double rest = 0;
            for (Map.Entry<String, Double> group : server.entrySet()) {
                double perSecond = group.getValue() * 1000 / seconds;
                if (perSecond >= 5) {
                    line.append(String.format(" %s %.0f,", group.getKey(), perSecond));
                } else {
                    rest += perSecond;
                }
            }
            double postgres =
                    database.values().stream().mapToDouble(Double::doubleValue).sum() * 1000 / seconds;
            line.append(String.format(" other threads %.0f; postgres %.0f", rest, postgres));
            System.out.println(line);
        }
    }

    /** Clients that follow a job's event stream and hold long polls on it until closed. */
    private final class Watchers implements AutoCloseable {

        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong streamedBytes = new AtomicLong();
        private final AtomicLong pollAnswers = new AtomicLong();
        private final AtomicLong waitAnswers = new AtomicLong();
        private final AtomicReference<String> failure = new AtomicReference<>();
        private final WatcherCounts counts;
        private volatile boolean open = true;

        Watchers(String base, String token, String job, WatcherCounts counts) {
            this.counts = counts;
            for (int i = 0; i < counts.streams(); i++) {
                threads.add(daemon(() -> stream(base, token, job)));
            }
            for (int i = 0; i < counts.polls(); i++) {
                threads.add(daemon(() -> poll(base, token, job, "change", pollAnswers)));
            }
            for (int i = 0; i < counts.waiters(); i++) {
                threads.add(daemon(() -> poll(base, token, job, "terminal", waitAnswers)));
            }
        }

        private Thread daemon(Runnable watcher) {
            Thread thread = new Thread(watcher, "watcher");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private void stream(String base, String token, String job) {
            try {
                HttpResponse<InputStream> answer = http.send(
                        HttpRequest.newBuilder(URI.create(base + job + "/events"))
                                .header("Authorization", "Bearer " + token)
                                .header("Accept", "text/event-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (answer.statusCode() != 200) {
                    failure.compareAndSet(null, "a stream answered " + answer.statusCode());
                    return;
                }
                try (InputStream body = answer.body()) {
                    byte[] buffer = new byte[8192];
                    for (int read; open && (read = body.read(buffer)) >= 0; ) {
                        streamedBytes.addAndGet(read);
                    }
                }
            } catch (IOException | InterruptedException e) {
                if (open) {
                    failure.compareAndSet(null, "a stream failed: " + e);
                }
            }
        }

        /** Long polls {@code waitFor=condition}, asking again as soon as each is answered. */
        private void poll(String base, String token, String job, String condition, AtomicLong answers) {
            String etag = null;
            while (open) {
                try {
                    HttpRequest.Builder wait = HttpRequest.newBuilder(
                                    URI.create(base + job + "?waitFor=" + condition + "&timeout=30s"))
                            .header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(90));
                    if (etag != null) {
                        wait.header("If-None-Match", etag);
                    }
                    HttpResponse<String> answer = http.send(wait.build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 200 && answer.statusCode() != 304) {
                        failure.compareAndSet(null, "a long poll answered " + answer.statusCode());
                        return;
                    }
                    etag = answer.headers().firstValue("ETag").orElse(etag);
                    answers.incrementAndGet();
                } catch (IOException | InterruptedException e) {
                    if (open) {
                        failure.compareAndSet(null, "a long poll failed: " + e);
                    }
                    return;
                }
            }
        }

        /** Fails the measurement when a watcher could not watch; prints what they received. */
        void check() {
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            if (counts.total() > 0) {
                System.out.printf(
                        "  %d streams read %,d bytes; %d long polls on a change were answered %,d times, %d waits"
                                + " for the end %,d times%n",
                        counts.streams(),
                        streamedBytes.get(),
                        counts.polls(),
                        pollAnswers.get(),
                        counts.waiters(),
                        waitAnswers.get());
            }
        }

        @Override
        public void close() {
            open = false;
            threads.forEach(Thread::interrupt);
        }
    }

    /** Polls the job until it ends; images per second between the first report at {@code from} and the last. */
    private Measured followRate(String base, String token, String job, int from, long serverPid) throws Exception {
        long firstStep = -1;
        long firstAt = 0;
        long lastStep = -1;
        long lastAt = 0;
        long seen = -1;
        ThreadCpu serverAtFirst = null;
        ThreadCpu databaseAtFirst = null;
        ThreadCpu serverAtLast = null;
        ThreadCpu databaseAtLast = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            String body = http.send(request(base, token, job).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            long now = System.nanoTime();
            Matcher state = STATE.matcher(body);
            if (state.find()
                    && !state.group(1).equals("RUNNING")
                    && !state.group(1).equals("QUEUED")) {
                if (!state.group(1).equals("SUCCEEDED") || firstStep < 0 || lastStep <= firstStep) {
                    throw new IllegalStateException("the job ended " + state.group(1) + " before it was measured");
                }
                double seconds = (lastAt - firstAt) / 1e9;
                return new Measured(
                        (lastStep - firstStep) * 64 / seconds,
                        seconds,
                        serverAtLast.since(serverAtFirst),
                        databaseAtLast.since(databaseAtFirst));
            }
            Matcher step = STEP.matcher(body);
            if (step.find()) {
                long current = Long.parseLong(step.group(1));
                if (current != seen) {
                    seen = current;
                    if (firstStep < 0 && current >= from) {
                        firstStep = current;
                        firstAt = now;
                        serverAtFirst = ThreadCpu.ofProcess(serverPid);
                        databaseAtFirst = ThreadCpu.ofProcessesNamed("postgres");
                    } else if (firstStep >= 0) {
                        lastStep = current;
                        lastAt = now;
                        serverAtLast = ThreadCpu.ofProcess(serverPid);
                        databaseAtLast = ThreadCpu.ofProcessesNamed("postgres");
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the job did not end within 30 minutes");
    }

    private void waitUntilHealthy(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the port is not open yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server did not become ready within 2 minutes");
    }

    private static HttpRequest.Builder request(String base, String token, String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
