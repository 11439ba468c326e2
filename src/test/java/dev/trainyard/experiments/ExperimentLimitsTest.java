package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An owner's running experiments are bounded (two here, the executor idle so they stay running): one more answers
 * 429 with Retry-After and stores nothing, another owner is not affected, and a cancel frees a place.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentLimitsTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static final String EXPERIMENT = """
            {"base": {"epochs": 2, "dataset": {"validationFraction": 0.2}, "schedule": {"type": "constant"}},
             "search": {"type": "grid", "parameters": {"seed": {"values": [1, 2]}}}}""";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
        registry.add("trainyard.experiments.max-running-per-owner", () -> "2");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void pastTheLimitOfRunningExperimentsTheAnswerIs429AndNothingIsStored() {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String first = alice.json(created(alice)).get("id").asString();
        created(alice);
        long experiments = count("experiments");
        long jobs = count("jobs");

        HttpResponse<String> refused = alice.post("/api/v1/experiments", EXPERIMENT);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(count("experiments")).isEqualTo(experiments);
        assertThat(count("jobs")).isEqualTo(jobs);

        created(alice.as(TestServer.BOB));
        assertThat(alice.post("/api/v1/experiments/" + first + "/cancel", "").statusCode())
                .isEqualTo(200);
        created(alice);
    }

    private static HttpResponse<String> created(ApiClient client) {
        HttpResponse<String> created = client.post("/api/v1/experiments", EXPERIMENT);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created;
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
