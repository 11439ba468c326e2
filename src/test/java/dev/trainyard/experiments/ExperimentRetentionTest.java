package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.SettableClock;
import dev.trainyard.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code trainyard.jobs.retention}, a finished experiment older than it goes whole with its trials' jobs, while
 * a running experiment keeps every trial, even one whose job finished long ago: job retention leaves trials to their
 * experiment. Time moves on a settable clock; both housekeepings run every 100 ms, and a plain job that expires
 * alongside shows that job retention ran.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SettableClock.InContext.class)
class ExperimentRetentionTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
        registry.add("trainyard.jobs.retention", () -> "1h");
        registry.add("trainyard.jobs.housekeeping-interval", () -> "100ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SettableClock clock;

    @Test
    void finishedExperimentsExpireWholeAndRunningOnesKeepTheirTrials() {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String finished = IdleExperiment.create(alice);
        assertThat(alice.post("/api/v1/experiments/" + finished + "/cancel", "").statusCode())
                .isEqualTo(200);
        String running = IdleExperiment.create(alice);
        String endedTrial = jdbc.sql("select id from jobs where experiment_id = :id and trial = 0")
                .param("id", running)
                .query(String.class)
                .single();
        assertThat(alice.post("/api/v1/jobs/" + endedTrial + "/cancel", "").statusCode())
                .isEqualTo(200);
        String plain = alice.json(alice.post("/api/v1/jobs", "{\"epochs\": 2}"))
                .get("id")
                .asString();
        assertThat(alice.post("/api/v1/jobs/" + plain + "/cancel", "").statusCode())
                .isEqualTo(200);

        clock.advance(Duration.ofHours(2));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> alice.get("/api/v1/jobs/" + plain).statusCode() == 404
                        && alice.get("/api/v1/experiments/" + finished).statusCode() == 404);
        assertThat(count("select count(*) from jobs where experiment_id = '" + finished + "'"))
                .isZero();
        assertThat(alice.get("/api/v1/experiments/" + running).statusCode()).isEqualTo(200);
        assertThat(alice.get("/api/v1/jobs/" + endedTrial).statusCode())
                .as("a running experiment's ended trial stays")
                .isEqualTo(200);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
