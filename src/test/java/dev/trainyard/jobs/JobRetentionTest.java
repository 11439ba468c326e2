package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.SettableClock;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code trainyard.jobs.retention}: finished jobs older than it are deleted with their files by housekeeping, while
 * jobs that have not finished stay whatever their age; {@code keep-after-success: none} keeps only the model. Time
 * moves on a settable clock; housekeeping runs when the test says.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SettableClock.InContext.class)
class JobRetentionTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.jobs.retention", () -> "1h");
        registry.add("trainyard.checkpoints.keep-after-success", () -> "none");
    }

    @Autowired
    SettableClock clock;

    @Autowired
    Housekeeping housekeeping;

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 20, 20, 3);
    }

    @LocalServerPort
    int port;

    @Test
    void finishedJobsOlderThanTheRetentionAreDeletedAndUnfinishedOnesStay() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        HttpResponse<String> created = alice.post("/api/v1/jobs", """
                {"epochs": 2, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
             "seed": 1, "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
        String finished = alice.json(created).get("id").asString();
        JsonNode done = alice.poll(
                "/api/v1/jobs/" + finished,
                Duration.ofMinutes(1),
                job -> job.get("state").asString().equals("SUCCEEDED"));
        assertThat(alice.json(alice.get("/api/v1/jobs/" + finished + "/checkpoints")))
                .isEmpty();
        assertThat(alice.getBytes("/api/v1/jobs/" + finished + "/model?which=best")
                        .statusCode())
                .isEqualTo(409);
        assertThat(alice.getBytes("/api/v1/jobs/" + finished + "/model").statusCode())
                .isEqualTo(200);
        String running = alice.json(alice.post("/api/v1/jobs", """
                {"epochs": 1000, "batchSize": 10, "dataset": {"trainLimit": 100, "testLimit": 10},
                 "schedule": {"baseLr": 0.001, "warmupEpochs": 1}}""")).get("id").asString();

        clock.advance(Duration.ofMinutes(59));
        housekeeping.runOnce();
        assertThat(alice.get("/api/v1/jobs/" + finished).statusCode())
                .as("within the retention")
                .isEqualTo(200);

        clock.advance(Duration.ofMinutes(2));
        housekeeping.runOnce();
        assertThat(alice.get("/api/v1/jobs/" + finished).statusCode())
                .as("past the retention")
                .isEqualTo(404);

        assertThat(DATA_DIR.resolve("jobs").resolve(finished)).doesNotExist();
        assertThat(done.get("finishedAt").isNull()).isFalse();
        JsonNode stillThere = alice.json(alice.get("/api/v1/jobs/" + running));
        assertThat(stillThere.get("state").asString()).as(stillThere.toString()).isIn("QUEUED", "RUNNING");
        alice.post("/api/v1/jobs/" + running + "/cancel", "");
    }
}
