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
 * Idempotency keys past their retention are purged from the table, not only ignored: it does not grow forever. Time
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
    void keysOlderThanTheRetentionArePurgedAndTheirJobsStay() throws Exception {
        for (int i = 0; i < 3; i++) {
            mvc.perform(post("/api/v1/jobs")
                            .header("Authorization", "Bearer " + TestServer.ALICE)
                            .header("Idempotency-Key", "nightly-" + i)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"epochs\": 2}"))
                    .andExpect(status().isCreated());
        }

        clock.advance(Duration.ofHours(23));
        housekeeping.runOnce();
        assertThat(keyCount()).as("within the retention").isEqualTo(3);

        clock.advance(Duration.ofHours(2));
        housekeeping.runOnce();
        assertThat(keyCount()).as("past the retention").isZero();
        assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single())
                .as("the jobs stay")
                .isEqualTo(3);
    }

    private long keyCount() {
        return jdbc.sql("select count(*) from idempotency_keys")
                .query(Long.class)
                .single();
    }
}
