package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Deleting jobs through the API: a finished job goes with its rows and files, a queued or running one answers 409,
 * and a job that succeeded keeps only its best checkpoint ({@code keep-after-success: best}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobDeletionTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static final String SHORT_JOB = """
            {"epochs": 3, "batchSize": 10, "dataset": {"trainLimit": 40, "testLimit": 10, "validationFraction": 0.25},
             "seed": 1, "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.checkpoints.keep-after-success", () -> "best");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 20, 20, 3);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private ApiClient alice() {
        return new ApiClient(port, TestServer.ALICE);
    }

    private String submit(String spec, String... headers) {
        HttpResponse<String> created = alice().post("/api/v1/jobs", spec, headers);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return alice().json(created).get("id").asString();
    }

    private JsonNode awaitEnd(String id) throws InterruptedException {
        return alice().poll(
                        "/api/v1/jobs/" + id,
                        Duration.ofMinutes(2),
                        job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
    }

    private long rows(String table, String id) {
        return jdbc.sql("select count(*) from " + table + " where " + (table.equals("jobs") ? "id" : "job_id")
                        + " = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    @Test
    void finishedJobIsDeletedWithItsRowsAndFilesAndKeptOnlyItsBestCheckpointBefore() throws Exception {
        String id = submit(SHORT_JOB, "Idempotency-Key", "delete-me");
        assertThat(awaitEnd(id).get("state").asString()).isEqualTo("SUCCEEDED");
        JsonNode checkpoints = alice().json(alice().get("/api/v1/jobs/" + id + "/checkpoints"));
        assertThat(checkpoints)
                .singleElement()
                .satisfies(only -> assertThat(only.get("best").asBoolean()).isTrue());
        Path folder = DATA_DIR.resolve("jobs").resolve(id);
        // the slot deletes the pruned checkpoints' files just after the end it recorded, which the poll may see first
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (var files = Files.list(folder.resolve("checkpoints"))) {
                assertThat(files.toList()).hasSize(1);
            }
        });
        assertThat(alice().getBytes("/api/v1/jobs/" + id + "/model?which=best").statusCode())
                .isEqualTo(200);
        assertThat(new ApiClient(port, TestServer.BOB)
                        .delete("/api/v1/jobs/" + id)
                        .statusCode())
                .isEqualTo(404);

        HttpResponse<String> deleted = alice().delete("/api/v1/jobs/" + id);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(alice().get("/api/v1/jobs/" + id).statusCode()).isEqualTo(404);
        for (String table : List.of("jobs", "job_steps", "job_epochs", "job_checkpoints", "idempotency_keys")) {
            assertThat(rows(table, id)).as(table).isZero();
        }
        assertThat(folder).doesNotExist();
        assertThat(alice().delete("/api/v1/jobs/" + id).statusCode()).isEqualTo(404);
        HttpResponse<String> problem = alice().delete("/api/v1/jobs/not-a-job");
        assertThat(problem.statusCode()).isEqualTo(400);
    }

    @Test
    void queuedAndRunningJobsAreNotDeletedUntilCancelled() throws Exception {
        String running = submit("""
                {"epochs": 500, "batchSize": 10, "dataset": {"trainLimit": 100, "testLimit": 10},
                 "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
        alice().poll(
                        "/api/v1/jobs/" + running,
                        Duration.ofMinutes(1),
                        job -> job.get("state").asString().equals("RUNNING"));
        String queued = submit(SHORT_JOB);

        for (String id : List.of(running, queued)) {
            HttpResponse<String> refused = alice().delete("/api/v1/jobs/" + id);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(alice().json(refused).get("detail").asString()).contains("cancel it first");
            assertThat(rows("jobs", id)).isOne();
        }

        assertThat(alice().post("/api/v1/jobs/" + queued + "/cancel", "").statusCode())
                .isEqualTo(200);
        assertThat(alice().post("/api/v1/jobs/" + running + "/cancel", "").statusCode())
                .isEqualTo(202);
        assertThat(awaitEnd(running).get("state").asString()).isEqualTo("CANCELLED");
        assertThat(alice().delete("/api/v1/jobs/" + queued).statusCode()).isEqualTo(204);
        assertThat(alice().delete("/api/v1/jobs/" + running).statusCode()).isEqualTo(204);
        assertThat(DATA_DIR.resolve("jobs").resolve(running)).doesNotExist();
    }
}
