package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Jobs survive a restart: queued ones run afterwards; one that was running when the process died resumes at once
 * (the restarted replica takes back its own claims without waiting for their leases to expire), unless it has used
 * up its attempts.
 */
class RestartTest {

    private final Path dataDir = TestServer.newDataDir();

    private ConfigurableApplicationContext start(int slots) {
        return new SpringApplicationBuilder(TrainyardApplication.class)
                .run(
                        "--server.port=0",
                        "--trainyard.data-dir=" + dataDir,
                        "--trainyard.executor.slots=" + slots,
                        "--trainyard.executor.poll-interval=200ms",
                        "--trainyard.executor.replica-id=restart-test",
                        "--trainyard.security.tokens[0].principal=alice",
                        "--trainyard.security.tokens[0].token=" + TestServer.ALICE);
    }

    private static ApiClient client(ConfigurableApplicationContext context) {
        return new ApiClient(
                ((WebServerApplicationContext) context).getWebServer().getPort(), TestServer.ALICE);
    }

    @Test
    void queuedJobsRunAfterARestartInterruptedOnesResumeAndExhaustedOnesFail() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 20, 20, 3);
        String queued;
        String interrupted;
        String exhausted;
        try (ConfigurableApplicationContext first = start(0)) {
            ApiClient alice = client(first);
            String spec = "{\"epochs\": 2, \"batchSize\": 10, \"dataset\": {\"trainLimit\": 40, \"testLimit\": 10}}";
            queued = alice.json(alice.post("/api/v1/jobs", spec)).get("id").asString();
            interrupted = alice.json(alice.post("/api/v1/jobs", spec)).get("id").asString();
            exhausted = alice.json(alice.post("/api/v1/jobs", spec)).get("id").asString();
            // what this replica leaves behind when it dies mid-job: its claims, with leases that look alive
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            String claim = "update jobs set state = 'RUNNING', attempt = :attempt, claimed_by = 'restart-test/slot-0', "
                    + "heartbeat_at = current_timestamp where id = :id";
            jdbc.sql(claim).param("attempt", 1).param("id", interrupted).update();
            jdbc.sql(claim).param("attempt", 3).param("id", exhausted).update();
        }

        try (ConfigurableApplicationContext second = start(1)) {
            ApiClient alice = client(second);
            JsonNode failed = alice.json(alice.get("/api/v1/jobs/" + exhausted));
            assertThat(failed.get("state").asString()).isEqualTo("FAILED");
            assertThat(failed.at("/error/code").asString()).isEqualTo("max_attempts_exceeded");

            for (String id : new String[] {queued, interrupted}) {
                JsonNode done = alice.poll(
                        "/api/v1/jobs/" + id,
                        Duration.ofMinutes(2),
                        job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
                assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
            }
            assertThat(alice.json(alice.get("/api/v1/jobs/" + interrupted))
                            .get("attempt")
                            .asInt())
                    .isEqualTo(2);
        }
    }
}
