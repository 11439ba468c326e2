package dev.trainyard.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.PostgresSchema;
import dev.trainyard.PostgresServer;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas on one PostgreSQL database: one trains, one only serves the API. A client of the second sees the job
 * the first trains, live, to its end.
 */
@EnabledIf(PostgresServer.AVAILABLE)
class JobEventsPostgresTest {

    private final PostgresServer server = PostgresServer.get();
    private final Path storage = TestServer.newDataDir();
    private final String schema = PostgresSchema.newName();
    private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();

    /** why: two applications in one JVM; see ReplicasPostgresTest. */
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
        replicas.forEach(ConfigurableApplicationContext::close);
        PostgresSchema.drop(server, schema);
    }

    private ApiClient replica(String id, String slots) {
        List<String> arguments = new ArrayList<>(TestServer.arguments(storage, slots));
        PostgresSchema.settings(server.url(), server.user(), server.password(), schema)
                .forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.addAll(List.of(
                "--trainyard.executor.replica-id=" + id, "--trainyard.events.poll-interval=100ms", "--server.port=0"));
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(TrainyardApplication.class).run(arguments.toArray(String[]::new));
        replicas.add(context);
        return new ApiClient(
                Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), TestServer.ALICE);
    }

    @Test
    void aClientOfAReplicaThatDoesNotTrainTheJobSeesItLiveToItsEnd() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 100, 40, 3);
        ApiClient apiOnly = replica("api-only", "0");
        SseClient allJobs = SseClient.open(apiOnly.port(), TestServer.ALICE, "/api/v1/events", null);
        assertThat(allJobs.status()).isEqualTo(200);
        HttpResponse<String> created = apiOnly.post("/api/v1/jobs", JobEventsTest.SHORT_JOB.formatted("elsewhere"));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = apiOnly.json(created).get("id").asString();
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(
                () -> apiOnly.get("/api/v1/jobs/" + id + "?waitFor=terminal&timeout=60s"));

        replica("trainer", "1");
        try (SseClient jobStream =
                SseClient.open(apiOnly.port(), TestServer.ALICE, "/api/v1/jobs/" + id + "/events", null)) {
            List<SseClient.Event> events = jobStream.until(event -> event.name().equals("end"), Duration.ofMinutes(3));
            assertThat(events).last().extracting(SseClient.Event::name).isEqualTo("end");
            assertThat(events.stream()
                            .filter(event -> event.name().equals("state"))
                            .map(event ->
                                    json.readTree(event.data()).get("state").asString()))
                    .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(events.stream().filter(event -> event.name().equals("epoch")))
                    .hasSize(3);
            assertThat(events.stream()
                            .filter(event -> event.name().equals("steps"))
                            .mapToInt(event ->
                                    json.readTree(event.data()).get("steps").size())
                            .sum())
                    .isEqualTo(45);
        }
        HttpResponse<String> answered = waiting.get();
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(apiOnly.json(answered).get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(Files.readString(storage.resolve("jobs").resolve(id).resolve("training.log")))
                .contains("on trainer/slot-0");

        List<SseClient.Event> listed = allJobs.until(
                event -> event.name().equals("state") && event.data().contains("SUCCEEDED"), Duration.ofSeconds(30));
        assertThat(listed.stream().filter(event -> event.name().equals("state")))
                .extracting(event -> json.readTree(event.data()).get("state").asString())
                .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        allJobs.close();
    }
}
