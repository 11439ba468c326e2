package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that repeats an experiment's creation with its Idempotency-Key (after a timeout, say) gets the experiment
 * the first request created, with its trials launched once; another request with the key is refused and stores
 * nothing. The executor is idle, so the trials stay queued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentIdempotencyTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private ApiClient alice() {
        return new ApiClient(port, TestServer.ALICE);
    }

    @Test
    void aRepeatWithTheSameKeyAnswersTheFirstExperimentAndLaunchesNothingMore() {
        HttpResponse<String> first =
                alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "study-1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        String id = alice().json(first).get("id").asString();

        HttpResponse<String> again =
                alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "study-1");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.headers().firstValue("Location")).hasValue("/api/v1/experiments/" + id);
        assertThat(alice().json(again).get("id").asString()).isEqualTo(id);

        assertThat(experimentsNamed(id)).isEqualTo(1);
        assertThat(jobsOf(id)).isEqualTo(2);
    }

    @Test
    void anotherRequestWithTheKeyIs422AndStoresNothing() {
        HttpResponse<String> first =
                alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "study-2");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String id = alice().json(first).get("id").asString();
        long experiments = count("experiments");
        long jobs = count("jobs");

        HttpResponse<String> other = alice().post(
                        "/api/v1/experiments",
                        IdleExperiment.SPEC.replace("[1, 2, 3]", "[4, 5]"),
                        "Idempotency-Key",
                        "study-2");

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(alice().json(other).get("detail").asString())
                .isEqualTo("Idempotency-Key 'study-2' was already used with a different request (it created "
                        + "experiment " + id + "); send a new key for a new experiment");
        assertThat(count("experiments")).isEqualTo(experiments);
        assertThat(count("jobs")).isEqualTo(jobs);
    }

    @Test
    void keysAreTheCallersOwnAndApartFromTheJobsKeys() {
        HttpResponse<String> alices =
                alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "shared");
        HttpResponse<String> bobs = alice().as(TestServer.BOB)
                .post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "shared");
        HttpResponse<String> job = alice().post("/api/v1/jobs", "{\"epochs\": 2}", "Idempotency-Key", "shared");

        assertThat(List.of(alices.statusCode(), bobs.statusCode(), job.statusCode()))
                .containsExactly(201, 201, 201);
        assertThat(bobs.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(alice().json(bobs).get("id").asString())
                .isNotEqualTo(alice().json(alices).get("id").asString());
    }

    @Test
    void aKeyThatIsNotVisibleAsciiIs400AndStoresNothing() {
        long experiments = count("experiments");
        for (String key : List.of("two words", "k".repeat(201))) {
            HttpResponse<String> refused =
                    alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", key);
            assertThat(refused.statusCode()).as(key).isEqualTo(400);
            assertThat(alice().json(refused).at("/errors/0/field").asString()).isEqualTo("Idempotency-Key");
        }
        assertThat(count("experiments")).isEqualTo(experiments);
    }

    @Test
    void concurrentRepeatsCreateOneExperiment() throws Exception {
        int clients = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return alice().post("/api/v1/experiments", IdleExperiment.SPEC, "Idempotency-Key", "at-once");
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                ids.add(alice().json(response).get("id").asString());
            }
            assertThat(ids).hasSize(1);
            String id = ids.iterator().next();
            assertThat(experimentsNamed(id)).isEqualTo(1);
            assertThat(jobsOf(id)).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    private long experimentsNamed(String id) {
        return jdbc.sql("select count(*) from experiments where id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    private long jobsOf(String id) {
        return jdbc.sql("select count(*) from jobs where experiment_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
