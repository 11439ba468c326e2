package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.trainyard.SettableClock;
import dev.trainyard.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Idempotency keys (of jobs and of experiments) past their retention are purged from the table, not only ignored: it does not grow forever. Time
 * moves on a settable clock; housekeeping runs when the test says.
 */
@SpringBootTest
@Import(SettableClock.InContext.class)
@AutoConfigureMockMvc
class IdempotencyPurgeTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
        registry.add("trainyard.jobs.idempotency-retention", () -> "24h");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SettableClock clock;

    @Autowired
    Housekeeping housekeeping;

    @Test
    void keysOlderThanTheRetentionArePurgedAndTheirJobsAndExperimentsStay() throws Exception {
        for (int i = 0; i < 3; i++) {
            mvc.perform(post("/api/v1/jobs")
                            .header("Authorization", "Bearer " + TestServer.ALICE)
                            .header("Idempotency-Key", "nightly-" + i)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"epochs\": 2}"))
                    .andExpect(status().isCreated());
        }
        mvc.perform(post("/api/v1/experiments")
                        .header("Authorization", "Bearer " + TestServer.ALICE)
                        .header("Idempotency-Key", "nightly-study")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("""
                                {"base": {"epochs": 2, "dataset": {"validationFraction": 0.2}},
                                 "search": {"type": "grid", "parameters": {"seed": {"values": [1]}}}}"""))
                .andExpect(status().isCreated());

        clock.advance(Duration.ofHours(23));
        housekeeping.runOnce();
        assertThat(keyCount()).as("within the retention").isEqualTo(4);

        clock.advance(Duration.ofHours(2));
        housekeeping.runOnce();
        assertThat(keyCount()).as("past the retention").isZero();
        assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single())
                .as("the jobs and the trial's job stay")
                .isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from experiments")
                        .query(Long.class)
                        .single())
                .as("the experiment stays")
                .isEqualTo(1);
    }

    private long keyCount() {
        return jdbc.sql("select (select count(*) from idempotency_keys) + (select count(*) from "
                        + "experiment_idempotency_keys)")
                .query(Long.class)
                .single();
    }
}
