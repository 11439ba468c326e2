package dev.trainyard.bench;

import dev.trainyard.ApiClient;
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
import tools.jackson.databind.JsonNode;

/**
 * What crash durability on the embedded H2 database costs. The packaged jar starts on fresh data in three variants,
 * rounds alternating: {@code write-delay-500} (H2's own default, the state before the fix: commits reach the file up
 * to 0.5 s later), {@code write-delay-0} (each commit written, H2's background compaction stopped) and
 * {@code checkpoint} (the default URL: each commit written by a CHECKPOINT, compaction kept). Per variant, on a server
 * with no slot: the client-side latency of 300 sequential submissions and of their 300 cancels, then 3,000
 * submit-and-cancel pairs and the size of the database file after them; on a second server with one slot, a seednet
 * job on generated JPEGs (milliseconds per step: seconds of each epoch after the first, evaluation included, over its
 * steps). Arguments as {@code key=value}: {@code jar=}, {@code jvm="..."}, {@code images=5000}, {@code epochs=4},
 * {@code rounds=2}, {@code requests=300}, {@code churn=3000}.
 */
public final class DurabilityBenchmark {

    private static final int WARM_UP = 20;
    private static final Map<String, String> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("write-delay-500", ";WRITE_DELAY=500");
        VARIANTS.put("write-delay-0", ";WRITE_DELAY=0");
        VARIANTS.put("checkpoint", "");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        Path jar = Path.of(options.getOrDefault("jar", "target/trainyard-0.1.0-SNAPSHOT.jar"));
        String jvm = options.getOrDefault("jvm", "-Xms1g -Xmx1g");
        int images = Integer.parseInt(options.getOrDefault("images", "5000"));
        int epochs = Integer.parseInt(options.getOrDefault("epochs", "4"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        int requests = Integer.parseInt(options.getOrDefault("requests", "300"));
        int churn = Integer.parseInt(options.getOrDefault("churn", "3000"));
        System.out.printf(
                "trainyard durability benchmark, %s; jar %s, JVM options %s, %d images, %d epochs, "
                        + "%d requests of each kind, %d submit+cancel pairs of churn%n",
                LocalDate.now(), jar, jvm, images, epochs, requests, churn);
        System.out.println("| round | variant | submit p50 | submit p99 | cancel p50 | seednet ms/step (epochs 2..) "
                + "| database file after the churn |");
        System.out.println("|---|---|---|---|---|---|---|");
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, String> variant : VARIANTS.entrySet()) {
                double[] figures = runVariant(jar, jvm, variant.getValue(), images, epochs, requests, churn);
                results.computeIfAbsent(variant.getKey(), key -> new ArrayList<>())
                        .add(figures);
                System.out.printf(
                        "| %d | %s | %.2f ms | %.2f ms | %.2f ms | %.1f | %.1f MB |%n",
                        round, variant.getKey(), figures[0], figures[1], figures[2], figures[3], figures[4] / 1e6);
            }
        }
        System.out.println("medians over the rounds:");
        results.forEach((variant, runs) -> System.out.printf(
                "  %s: submit p50 %.2f ms, cancel p50 %.2f ms, " + "%.1f ms per step, database %.1f MB%n",
                variant, median(runs, 0), median(runs, 2), median(runs, 3), median(runs, 4) / 1e6));
    }

    /** submit p50, submit p99, cancel p50 (ms), ms per training step, database file bytes after the churn. */
    private static double[] runVariant(
            Path jar, String jvm, String urlSuffix, int images, int epochs, int requests, int churn) throws Exception {
        double[] figures = new double[5];
        Path apiData = Files.createTempDirectory("trainyard-durability-api");
        try (Server server = Server.start(jar, jvm, urlSuffix, apiData, "0")) {
            double[] submits = new double[requests];
            List<String> ids = new ArrayList<>();
            for (int i = -WARM_UP; i < requests; i++) {
                long start = System.nanoTime();
                HttpResponse<String> created = server.client.post("/api/v1/jobs", "{\"epochs\": 2}");
                if (i >= 0) {
                    submits[i] = (System.nanoTime() - start) / 1e6;
                    ids.add(server.client.json(created).get("id").asString());
                }
            }
            double[] cancels = new double[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                long start = System.nanoTime();
                server.client.post("/api/v1/jobs/" + ids.get(i) + "/cancel", "");
                cancels[i] = (System.nanoTime() - start) / 1e6;
            }
            for (int i = 0; i < churn; i++) {
                String id = server.client
                        .json(server.client.post("/api/v1/jobs", "{\"epochs\": 2}"))
                        .get("id")
                        .asString();
                server.client.post("/api/v1/jobs/" + id + "/cancel", "");
            }
            Arrays.sort(submits);
            Arrays.sort(cancels);
            figures[0] = submits[requests / 2];
            figures[1] = submits[(int) Math.ceil(requests * 0.99) - 1];
            figures[2] = cancels[cancels.length / 2];
            figures[4] = Files.size(apiData.resolve("trainyard.mv.db"));
        }
        Path trainingData = Files.createTempDirectory("trainyard-durability-training");
        ServerBenchmark.generateImages(trainingData.resolve("datasets/generated"), images);
        try (Server server = Server.start(jar, jvm, urlSuffix, trainingData, "1")) {
            String training = submitTraining(server.client, epochs);
            JsonNode done = server.client.poll(
                    "/api/v1/jobs/" + training,
                    Duration.ofHours(1),
                    job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
            if (!done.get("state").asString().equals("SUCCEEDED")) {
                throw new IllegalStateException("the training job ended " + done);
            }
            double stepsPerEpoch = done.at("/progress/stepsPerEpoch").asDouble();
            double[] msPerStep = new double[epochs - 1];
            for (int epoch = 1; epoch < epochs; epoch++) {
                msPerStep[epoch - 1] = done.at("/epochs/" + epoch + "/seconds").asDouble() * 1e3 / stepsPerEpoch;
            }
            Arrays.sort(msPerStep);
            figures[3] = msPerStep[msPerStep.length / 2];
        }
        return figures;
    }

    /** The packaged jar in its own JVM on {@code dataDir}, with the variant's database URL. */
    private record Server(Process process, ApiClient client) implements AutoCloseable {

        static Server start(Path jar, String jvm, String urlSuffix, Path dataDir, String slots) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(Arrays.asList(jvm.trim().split("\\s+")));
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            command.addAll(List.of(
                    "-jar",
                    jar.toString(),
                    "--server.port=" + port,
                    "--trainyard.data-dir=" + dataDir,
                    "--trainyard.executor.slots=" + slots,
                    "--spring.datasource.url=jdbc:h2:file:" + dataDir + "/trainyard;AUTO_SERVER=FALSE" + urlSuffix,
                    "--trainyard.jobs.max-queued-per-owner=100000"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("server.log").toFile())
                    .start();
            ApiClient client =
                    new ApiClient(port, null).awaitHealthy(Duration.ofMinutes(2), dataDir.resolve("server.log"));
            return new Server(
                    process,
                    client.as(Files.readString(dataDir.resolve("admin.token")).strip()));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    private static String submitTraining(ApiClient client, int epochs) {
        HttpResponse<String> created = client.post(
                "/api/v1/jobs",
                "{\"name\": \"durability benchmark\", "
                        + "\"model\": \"seednet\", \"dataset\": {\"name\": \"imagefolder\", \"path\": \"generated\", "
                        + "\"validationFraction\": 0.02}, \"epochs\": " + epochs
                        + ", \"batchSize\": 64, \"priority\": 100, "
                        + "\"schedule\": {\"baseLr\": 0.01, \"warmupEpochs\": 1}}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("submission answered " + created.statusCode() + ": " + created.body());
        }
        return client.json(created).get("id").asString();
    }

    private static double median(List<double[]> runs, int figure) {
        double[] values = runs.stream().mapToDouble(run -> run[figure]).sorted().toArray();
        return values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private DurabilityBenchmark() {}
}
