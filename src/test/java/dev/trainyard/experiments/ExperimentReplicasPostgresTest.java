package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.PostgresSchema;
import dev.trainyard.PostgresServer;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Two replicas on one PostgreSQL database launch the trials of one experiment at once, each every 200 ms (TestServer): the
 * experiment never has more than its parallelism of trials queued or running, and each trial runs exactly once.
 */
@EnabledIf(PostgresServer.AVAILABLE)
class ExperimentReplicasPostgresTest {

    private final PostgresServer server = PostgresServer.get();
    private final Path storage = TestServer.newDataDir();
    private final String schema = PostgresSchema.newName();
    private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

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

    private ApiClient replica(String id) {
        List<String> arguments = new ArrayList<>(TestServer.arguments(storage, "1"));
        PostgresSchema.settings(server.url(), server.user(), server.password(), schema)
                .forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.addAll(List.of("--trainyard.executor.replica-id=" + id, "--server.port=0"));
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(TrainyardApplication.class).run(arguments.toArray(String[]::new));
        replicas.add(context);
        return new ApiClient(
                Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), TestServer.ALICE);
    }

    @Test
    void twoReplicasLaunchingAtOnceKeepTheParallelismAndRunEachTrialOnce() throws Exception {
        Cifar10Fixture.write(storage.resolve("datasets"), 20, 10, 6);
        ApiClient first = replica("replica-1");
        ApiClient second = replica("replica-2");
        HttpResponse<String> created = first.post("/api/v1/experiments", """
                {"base": {"epochs": 1, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10,
                          "validationFraction": 0.25}, "schedule": {"type": "constant", "baseLr": 0.01}},
                 "search": {"type": "grid", "parameters": {"seed": {"values": [1, 2, 3, 4, 5, 6, 7, 8]}}},
                 "parallelism": 2}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = first.json(created).get("id").asString();

        int mostActive = 0;
        JsonNode experiment;
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        do {
            experiment = second.json(second.get("/api/v1/experiments/" + id));
            JsonNode states = experiment.get("trialStates");
            int active = (states.has("QUEUED") ? states.get("QUEUED").asInt() : 0)
                    + (states.has("RUNNING") ? states.get("RUNNING").asInt() : 0);
            mostActive = Math.max(mostActive, active);
            assertThat(System.nanoTime())
                    .as("the experiment ends within 4 minutes")
                    .isLessThan(deadline);
            // sampling, not waiting: how many trials are active is read every 50 ms until the end
            Thread.sleep(50);
        } while (experiment.get("state").asString().equals("RUNNING"));

        assertThat(experiment.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(mostActive).as("trials queued or running at once").isBetween(1, 2);
        Set<String> jobs = new HashSet<>();
        for (JsonNode trial : experiment.get("trials")) {
            assertThat(trial.get("state").asString()).isEqualTo("SUCCEEDED");
            jobs.add(trial.get("job").asString());
        }
        assertThat(jobs).hasSize(8);
        JsonNode page = first.json(first.get("/api/v1/jobs?limit=100"));
        assertThat(page.get("items")).hasSize(8);
    }
}
