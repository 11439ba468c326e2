package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.jobs.Job;
import dev.trainyard.jobs.JobLifecycle;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import tools.jackson.databind.JsonNode;

/**
 * A cancel that lands between a slot's claim and the start of its run, when the slot has no run yet to tell, still
 * stops the job at once: the slot reads the job back after registering the run. The heartbeat that would otherwise
 * pass the cancel on is set far beyond the test's deadline.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CancelDuringClaimTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.executor.heartbeat-interval", () -> "10m");
        registry.add("trainyard.executor.lease-timeout", () -> "30m");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 20, 10, 3);
    }

    @LocalServerPort
    int port;

    @MockitoSpyBean
    JobLifecycle lifecycle;

    @Test
    void aCancelCommittedRightAfterTheClaimStopsTheRunBeforeItTrainsAnEpoch() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        AtomicInteger cancelAnswers = new AtomicInteger();
        doAnswer(invocation -> {
                    @SuppressWarnings("unchecked")
                    Optional<Job> claimed = (Optional<Job>) invocation.callRealMethod();
                    claimed.filter(job -> job.spec().name().equals("cancelled while claimed"))
                            .ifPresent(job -> cancelAnswers.set(alice.post("/api/v1/jobs/" + job.id() + "/cancel", "")
                                    .statusCode()));
                    return claimed;
                })
                .when(lifecycle)
                .claimNext(anyString());

        HttpResponse<String> submitted = alice.post("/api/v1/jobs", """
                {"name": "cancelled while claimed", "epochs": 500, "batchSize": 10,
                 "dataset": {"trainLimit": 100, "testLimit": 10}}""");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String id = alice.json(submitted).get("id").asString();

        JsonNode ended = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofSeconds(60),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(cancelAnswers)
                .as("the cancel was made while the job was claimed")
                .hasValue(202);
        assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("CANCELLED");
        assertThat(ended.get("epochs").size()).as(ended.toString()).isZero();
    }
}
