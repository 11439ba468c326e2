package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.PostgresSchema;
import dev.trainyard.PostgresServer;
import dev.trainyard.ServerProcess;
import dev.trainyard.TcpProxy;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Several replicas on one PostgreSQL server (the local one CI names, or a throw-away container), sharing
 * one storage root: in-process replicas where the test needs only their API, child processes where it pauses,
 * kills or signals them.
 */
@EnabledIf(PostgresServer.AVAILABLE)
class ReplicasPostgresTest {

    private static final Pattern REPLICA = Pattern.compile("attempt 1 on (replica-\\d)/slot-0");

    private final PostgresServer server = PostgresServer.get();
    private final Path storage = TestServer.newDataDir();
    private final String schema = PostgresSchema.newName();
    private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private final List<ServerProcess> processes = new ArrayList<>();

    /**
     * why: several in-process replicas start at once, and Spring Boot's logging set-up is not safe to run for two
     * applications at the same time in one JVM; this test's replicas log through the logging already set up.
     */
    @BeforeAll
    static void oneLoggingSetUp() {
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    }

    @AfterAll
    static void restoreLoggingSetUp() {
        System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
    }

    @AfterEach
    void stopReplicas() throws Exception {
        for (ServerProcess process : processes) {
            process.close();
        }
        replicas.forEach(ConfigurableApplicationContext::close);
        PostgresSchema.drop(server, schema);
    }

    private List<String> arguments(String replicaId, String databaseUrl, String slots, String... extra) {
        List<String> arguments = new ArrayList<>(TestServer.arguments(storage, slots));
        PostgresSchema.settings(databaseUrl, server.user(), server.password(), schema)
                .forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.addAll(List.of(
                "--trainyard.executor.replica-id=" + replicaId,
                "--trainyard.executor.heartbeat-interval=500ms",
                "--trainyard.executor.lease-timeout=3s",
                // one owner queues all 300 jobs of the replica test at once
                "--trainyard.jobs.max-queued-per-owner=1000"));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    private ApiClient inProcess(String replicaId) {
        return inProcess(replicaId, "1");
    }

    private ApiClient inProcess(String replicaId, String slots) {
        return onDatabase(replicaId, server.url(), slots);
    }

    private ApiClient onDatabase(String replicaId, String databaseUrl, String slots, String... extra) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TrainyardApplication.class)
                .run(arguments(replicaId, databaseUrl, slots, concat(extra, "--server.port=0"))
                        .toArray(String[]::new));
        synchronized (replicas) {
            replicas.add(context);
        }
        return new ApiClient(
                Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), TestServer.ALICE);
    }

    private ApiClient childProcess(String replicaId) throws Exception {
        ServerProcess process = ServerProcess.start(
                storage.resolve(replicaId + ".log"),
                TestServer.ALICE,
                arguments(replicaId, server.url(), "1", "--logging.level.org.springframework.boot.availability=DEBUG"));
        processes.add(process);
        return process.client();
    }

    private static String submit(ApiClient replica, String spec) {
        HttpResponse<String> response = replica.post("/api/v1/jobs", spec);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return replica.json(response).get("id").asString();
    }

    private Map<String, Long> count(String sql) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql.replace("jobs", schema + ".jobs"))) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private String trainingLog(String id) throws Exception {
        return Files.readString(storage.resolve("jobs").resolve(id).resolve("training.log"));
    }

    @Test
    void threeReplicasStartingTogetherRunEachOf300JobsOnce() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 4, 10, 11);
        // started at once: Flyway's migration lock lets one of them create the schema
        List<CompletableFuture<ApiClient>> starting = IntStream.rangeClosed(1, 3)
                .mapToObj(n -> CompletableFuture.supplyAsync(() -> inProcess("replica-" + n)))
                .toList();
        List<ApiClient> api = starting.stream().map(CompletableFuture::join).toList();

        String spec = """
                {"model": "lenet5", "epochs": 1, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
                 "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""";
        List<String> ids = IntStream.range(0, 300)
                .mapToObj(n -> submit(api.get(n % 3), spec))
                .toList();

        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        count("select state, count(*) from jobs group by state").getOrDefault("SUCCEEDED", 0L) >= 300);
        assertThat(count("select state, count(*) from jobs group by state"))
                .containsExactly(Map.entry("SUCCEEDED", 300L));
        assertThat(count("select cast(attempt as varchar), count(*) from jobs group by attempt"))
                .containsExactly(Map.entry("1", 300L));
        Map<String, Integer> jobsPerReplica = new HashMap<>();
        for (String id : ids) {
            String log = trainingLog(id);
            Matcher replica = REPLICA.matcher(log);
            assertThat(replica.find()).as(log).isTrue();
            jobsPerReplica.merge(replica.group(1), 1, Integer::sum);
            assertThat(replica.find()).as("job %s ran twice: %s", id, log).isFalse();
        }
        assertThat(jobsPerReplica.keySet()).containsExactlyInAnyOrder("replica-1", "replica-2", "replica-3");
    }

    /**
     * Replica 1 is paused (SIGSTOP) mid-job; replica 2 finds the lease expired, resumes the job from its checkpoint
     * and finishes it. Replica 1, resumed (SIGCONT) while replica 2 trains, writes nothing more and stops the job.
     */
    @Test
    void pausedReplicasJobFinishesOnAnotherAndTheZombieIsFenced() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 200, 40, 5);
        ApiClient first = childProcess("replica-1");
        String id = submit(first, InterruptedJob.SPEC);
        first.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.at("/progress/step").asLong() >= InterruptedJob.INTERRUPT_AT_STEP);
        signal("STOP", processes.get(0).process());

        ApiClient second = inProcess("replica-2");
        // the paused replica writes nothing, and its lease has not expired yet: its newest checkpoint is final
        JsonNode checkpoints = second.json(second.get("/api/v1/jobs/" + id + "/checkpoints"));
        long resumePoint = checkpoints.get(checkpoints.size() - 1).get("step").asLong();
        second.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(1),
                job -> job.get("attempt").asInt() == 2
                        && job.at("/progress/step").asLong() > resumePoint);
        signal("CONT", processes.get(0).process());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> assertThat(trainingLog(id)).contains("attempt 1 stopped: its lease was taken over"));

        InterruptedJob.assertFinishedAsIfUninterrupted(second, id);
        assertThat(trainingLog(id)).contains("attempt 2 on replica-2/slot-0", "resuming at step " + resumePoint + " ");
        assertThat(second.getBytes("/api/v1/jobs/" + id + "/model").statusCode())
                .isEqualTo(200);
    }

    /** A cancel sent to a replica that does not run the job reaches the one that does within a heartbeat. */
    @Test
    void cancelOnAnotherReplicaStopsTheRunningJob() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 200, 40, 5);
        ApiClient worker = inProcess("replica-1");
        ApiClient apiOnly = inProcess("replica-2", "0");
        String id = submit(apiOnly, """
                {"epochs": 20, "batchSize": 10, "dataset": {"trainLimit": 1000, "testLimit": 40},
                 "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
        worker.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(1),
                job -> job.at("/progress/step").asLong() >= 10);

        assertThat(apiOnly.post("/api/v1/jobs/" + id + "/cancel", "").statusCode())
                .isEqualTo(202);

        JsonNode done = apiOnly.poll(
                "/api/v1/jobs/" + id,
                Duration.ofSeconds(30),
                job -> job.get("state").asString().equals("CANCELLED"));
        assertThat(done.at("/progress/step").asLong()).isLessThan(2000);
        assertThat(trainingLog(id)).contains("attempt 1 on replica-1/slot-0");
    }

    /** SIGTERM: the replica checkpoints its running job, puts it back in the queue uncounted and exits 0. */
    @Test
    void sigtermReleasesTheRunningJobWithinTheGracePeriod() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 200, 40, 5);
        ApiClient replica = childProcess("replica-1");
        String id = submit(replica, """
                {"epochs": 20, "batchSize": 10, "dataset": {"trainLimit": 1000, "testLimit": 40},
                 "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
        replica.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.at("/progress/step").asLong() >= 20);

        Process process = processes.get(0).process();
        process.destroy();
        assertThat(process.waitFor(30 + 10, java.util.concurrent.TimeUnit.SECONDS))
                .as("exited within the grace")
                .isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(count("select state, attempt from jobs")).containsExactly(Map.entry("QUEUED", 0L));
        assertThat(trainingLog(id)).contains("released on shutdown");
        assertThat(Files.readString(storage.resolve("replica-1.log"))).contains("REFUSING_TRAFFIC");
    }

    /** Cut off from its database, a replica answers 503 with Retry-After at once, and works again when it is back. */
    @Test
    void databaseOutageAnswers503AndRecovers() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 4, 10, 11);
        URI database = URI.create(server.url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(database.getPort() < 0 ? 5432 : database.getPort())) {
            ApiClient replica = onDatabase(
                    "replica-1",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + database.getPath(),
                    "1",
                    "--spring.datasource.hikari.connection-timeout=2000");
            String spec = """
                    {"model": "lenet5", "epochs": 1, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
                     "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""";
            String id = submit(replica, spec);
            replica.poll(
                    "/api/v1/jobs/" + id,
                    Duration.ofMinutes(1),
                    job -> job.get("state").asString().equals("SUCCEEDED"));

            proxy.cut();
            long start = System.nanoTime();
            HttpResponse<String> during = replica.get("/api/v1/jobs/" + id);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
            assertThat(during.headers().firstValue("Retry-After")).contains("5");
            assertThat(replica.json(during).get("type").asString()).isEqualTo("urn:trainyard:problem:unavailable");
            assertThat(replica.post("/api/v1/jobs", spec).statusCode()).isEqualTo(503);

            proxy.restore();
            JsonNode after = replica.poll("/api/v1/jobs/" + id, Duration.ofMinutes(1), job -> job.has("state"));
            assertThat(after.get("state").asString()).isEqualTo("SUCCEEDED");
            String again = submit(replica, spec);
            replica.poll(
                    "/api/v1/jobs/" + again,
                    Duration.ofMinutes(1),
                    job -> job.get("state").asString().equals("SUCCEEDED"));
        }
    }

    private static String[] concat(String[] first, String last) {
        String[] all = java.util.Arrays.copyOf(first, first.length + 1);
        all[first.length] = last;
        return all;
    }

    private static void signal(String signal, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor()).isZero();
    }
}
