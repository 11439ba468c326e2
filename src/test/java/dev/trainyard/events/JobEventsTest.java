package dev.trainyard.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Event streams on the real server, following jobs that train for real on a generated fixture. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobEventsTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    /** 3 epochs of 15 steps. */
    static final String SHORT_JOB = """
            {"name": "%s", "model": "lenet5", "dataset": {"name": "cifar10", "trainLimit": 150, "testLimit": 40},
             "epochs": 3, "batchSize": 10, "seed": 1,
             "schedule": {"type": "cosine-warmup", "baseLr": 0.01, "warmupEpochs": 1}}""";

    /** Trains until cancelled, at a rate that cannot diverge. */
    static final String LONG_JOB = """
            {"name": "long", "model": "lenet5", "dataset": {"name": "cifar10", "trainLimit": 1000, "testLimit": 40},
             "epochs": 50, "batchSize": 10, "seed": 1, "schedule": {"type": "constant", "baseLr": 0.01}}""";

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<SseClient> open = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.events.poll-interval", () -> "100ms");
        registry.add("trainyard.events.max-streams-per-owner", () -> "6");
        // a stream whose client went away is noticed when a write to it fails
        registry.add("trainyard.events.heartbeat", () -> "200ms");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 100, 40, 3);
    }

    @LocalServerPort
    int port;

    @AfterEach
    void closeStreams() throws Exception {
        for (SseClient client : open) {
            client.close();
        }
    }

    private SseClient stream(String token, String path, String lastEventId) throws Exception {
        SseClient client = SseClient.open(port, token, path, lastEventId);
        open.add(client);
        return client;
    }

    private String submit(ApiClient api, String spec) {
        HttpResponse<String> created = api.post("/api/v1/jobs", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return api.json(created).get("id").asString();
    }

    private JsonNode data(SseClient.Event event) {
        return json.readTree(event.data());
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsEveryStateChangeEpochAndStepExactlyOnce() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, SHORT_JOB.formatted("resumed"));

        SseClient first = stream(TestServer.ALICE, "/api/v1/jobs/" + id + "/events", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.response().headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/event-stream");
        List<SseClient.Event> before = first.until(event -> event.name().equals("epoch"), Duration.ofMinutes(2));
        assertThat(before).last().extracting(SseClient.Event::name).isEqualTo("epoch");
        first.close();

        String resumeFrom = before.get(before.size() - 1).id();
        SseClient second = stream(TestServer.ALICE, "/api/v1/jobs/" + id + "/events", resumeFrom);
        List<SseClient.Event> after = second.until(event -> event.name().equals("end"), Duration.ofMinutes(2));
        assertThat(after).last().extracting(SseClient.Event::name).isEqualTo("end");
        assertThat(data(after.get(after.size() - 1)).get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(waitForEnd(second))
                .as("the server ends the stream after `end`")
                .isTrue();

        List<SseClient.Event> all = new ArrayList<>(before);
        all.addAll(after);
        List<String> states = all.stream()
                .filter(event -> event.name().equals("state"))
                .map(event -> data(event).get("state").asString())
                .toList();
        assertThat(states).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        List<Integer> epochs = all.stream()
                .filter(event -> event.name().equals("epoch"))
                .map(event -> data(event).get("epoch").asInt())
                .toList();
        assertThat(epochs).containsExactly(1, 2, 3);
        assertThat(all.stream().filter(event -> event.name().equals("checkpoint")))
                .hasSizeGreaterThanOrEqualTo(3);
        List<Long> steps = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        all.stream()
                .filter(event -> event.name().equals("steps"))
                .forEach(event -> data(event).get("steps").forEach(step -> {
                    steps.add(step.get("step").asLong());
                    rates.add(step.get("learningRate").asDouble());
                }));
        assertThat(steps).hasSize(45).isSorted().doesNotHaveDuplicates();
        assertThat(steps.get(44)).isEqualTo(44);

        JsonNode preview = alice.json(alice.post("/api/v1/schedules/preview", """
                {"schedule": {"type": "cosine-warmup", "baseLr": 0.01, "warmupEpochs": 1}, "epochs": 3,
                 "batchSize": 10, "dataset": {"name": "cifar10", "trainLimit": 150}}"""));
        List<Double> previewed = new ArrayList<>();
        preview.get("points").forEach(point -> previewed.add(point.get("lr").asDouble()));
        assertThat(rates).as("the streamed rates are the previewed ones").containsExactlyElementsOf(previewed);

        for (SseClient.Event event : all) {
            assertThat(data(event).get("jobId").asString()).isEqualTo(id);
        }

        SseClient third = stream(
                TestServer.ALICE,
                "/api/v1/jobs/" + id + "/events",
                after.get(after.size() - 1).id());
        List<SseClient.Event> afterTheEnd = third.until(event -> event.name().equals("end"), Duration.ofSeconds(30));
        assertThat(afterTheEnd)
                .as("resuming after the end repeats nothing but the end")
                .extracting(SseClient.Event::name)
                .containsExactly("progress", "end");
    }

    @Test
    void theStreamOfAllJobsShowsTheCallersJobsOnly() throws Exception {
        SseClient bobs = openOnceFree(TestServer.BOB, "/api/v1/events");
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        ApiClient bob = alice.as(TestServer.BOB);
        String alicesJob = submit(alice, SHORT_JOB.formatted("alice's"));
        String bobsJob = submit(bob, SHORT_JOB.formatted("bob's"));

        List<SseClient.Event> seen = bobs.until(
                event -> event.name().equals("state")
                        && data(event).get("state").asString().equals("QUEUED"),
                Duration.ofSeconds(30));
        assertThat(seen).isNotEmpty();
        assertThat(data(seen.get(seen.size() - 1)).get("jobId").asString())
                .as("alice's job was submitted first; bob's stream shows bob's")
                .isEqualTo(bobsJob);
        for (SseClient.Event event : seen) {
            assertThat(data(event).get("jobId").asString()).isNotEqualTo(alicesJob);
        }
        new ApiClient(port, TestServer.ALICE).post("/api/v1/jobs/" + alicesJob + "/cancel", "");
        bob.post("/api/v1/jobs/" + bobsJob + "/cancel", "");
    }

    /** why: an admin's resumed stream once caught up on the admin's own events only, missing everyone else's. */
    @Test
    void anAdminWhoResumesTheStreamOfEveryJobGetsOtherOwnersEventsExactlyOnce() throws Exception {
        SseClient first = openOnceFree(TestServer.ROOT, "/api/v1/events");
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, SHORT_JOB.formatted("watched by an admin"));
        List<SseClient.Event> before = first.until(
                event -> event.name().equals("state")
                        && data(event).get("jobId").asString().equals(id),
                Duration.ofSeconds(30));
        first.close();
        // everything after happens while the admin is away, so the resumed stream reads it all from the log
        alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.get("state").asString().equals("SUCCEEDED"));

        SseClient resumed = stream(
                TestServer.ROOT, "/api/v1/events", before.get(before.size() - 1).id());
        assertThat(resumed.status()).isEqualTo(200);
        List<SseClient.Event> after = resumed.until(
                event -> event.name().equals("state")
                        && data(event).get("jobId").asString().equals(id)
                        && data(event).get("state").asString().equals("SUCCEEDED"),
                Duration.ofMinutes(2));

        List<SseClient.Event> all = new ArrayList<>(before);
        all.addAll(after);
        List<SseClient.Event> ofTheJob = all.stream()
                .filter(event -> !event.name().equals("progress"))
                .filter(event -> data(event).get("jobId").asString().equals(id))
                .toList();
        assertThat(ofTheJob.stream()
                        .filter(event -> event.name().equals("state"))
                        .map(event -> data(event).get("state").asString()))
                .containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(ofTheJob.stream()
                        .filter(event -> event.name().equals("epoch"))
                        .map(event -> data(event).get("epoch").asInt()))
                .containsExactly(1, 2, 3);
    }

    @Test
    void streamsPastTheOwnersLimitAnswer429AndOtherOwnersStillStream() throws Exception {
        for (int n = 0; n < 6; n++) {
            openOnceFree(TestServer.BOB, "/api/v1/events");
        }
        SseClient refused = stream(TestServer.BOB, "/api/v1/events", null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.response().headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/problem+json");
        assertThat(refused.response().headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("6 event streams");
        assertThat(stream(TestServer.ALICE, "/api/v1/events", null).status()).isEqualTo(200);
    }

    @Test
    void badInputIsAProblemAndOpensNoStream() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, SHORT_JOB.formatted("bad input"));
        SseClient garbage = stream(TestServer.ALICE, "/api/v1/jobs/" + id + "/events", "42; drop table jobs");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.body()).contains("Last-Event-ID");
        assertThat(stream(TestServer.BOB, "/api/v1/jobs/" + id + "/events", null)
                        .status())
                .as("another owner's job is not found")
                .isEqualTo(404);
        assertThat(stream(TestServer.ALICE, "/api/v1/jobs/00000000-0000-0000-0000-000000000000/events", null)
                        .status())
                .isEqualTo(404);
        HttpResponse<String> anonymous = alice.as(null).get("/api/v1/events", "text/event-stream");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        alice.post("/api/v1/jobs/" + id + "/cancel", "");
    }

    @Test
    void aLongPollAnswersWithinASecondOfTheChangeItWaitsFor() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String running = submit(alice, LONG_JOB);
        alice.poll(
                "/api/v1/jobs/" + running,
                Duration.ofMinutes(1),
                job -> job.get("state").asString().equals("RUNNING"));
        String queued = submit(alice, SHORT_JOB.formatted("queued behind"));

        CompletableFuture<HttpResponse<String>> terminal = CompletableFuture.supplyAsync(
                () -> alice.get("/api/v1/jobs/" + queued + "?waitFor=terminal&timeout=30s"));
        awaitWaits(1);
        HttpResponse<String> cancelled = alice.post("/api/v1/jobs/" + queued + "/cancel", "");
        long cancelledAt = System.nanoTime();
        assertThat(cancelled.statusCode()).isEqualTo(200);
        HttpResponse<String> answer = terminal.get(30, TimeUnit.SECONDS);
        long answeredAfterMillis = (System.nanoTime() - cancelledAt) / 1_000_000;
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(alice.json(answer).get("state").asString()).isEqualTo("CANCELLED");
        assertThat(answeredAfterMillis)
                .as("answered %d ms after the cancel", answeredAfterMillis)
                .isLessThan(1000);

        HttpResponse<String> now = alice.get("/api/v1/jobs/" + running);
        String etag = now.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> changed = alice.get(
                "/api/v1/jobs/" + running + "?waitFor=change&timeout=30s", "application/json", "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        assertThat(alice.json(changed).at("/progress/step").asLong())
                .isGreaterThanOrEqualTo(alice.json(now).at("/progress/step").asLong());
        alice.post("/api/v1/jobs/" + running + "/cancel", "");
    }

    @Test
    void aLongPollAnswersAtItsTimeoutWithTheJobAsItIs() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String running = submit(alice, LONG_JOB);
        String queued = submit(alice, SHORT_JOB.formatted("still queued"));
        alice.poll(
                "/api/v1/jobs/" + running,
                Duration.ofMinutes(1),
                job -> job.get("state").asString().equals("RUNNING"));

        long start = System.nanoTime();
        HttpResponse<String> stillRunning = alice.get("/api/v1/jobs/" + running + "?waitFor=terminal&timeout=300ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        assertThat(stillRunning.statusCode()).isEqualTo(200);
        assertThat(alice.json(stillRunning).get("state").asString()).isEqualTo("RUNNING");

        String etag =
                alice.get("/api/v1/jobs/" + queued).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> unchanged = alice.get(
                "/api/v1/jobs/" + queued + "?waitFor=change&timeout=300ms", "application/json", "If-None-Match", etag);
        assertThat(unchanged.statusCode())
                .as("nothing changed: the client's copy is current")
                .isEqualTo(304);

        HttpResponse<String> finished = alice.get("/api/v1/jobs/" + queued + "?waitFor=terminal&timeout=0");
        assertThat(alice.json(finished).get("state").asString()).isEqualTo("QUEUED");
        alice.post("/api/v1/jobs/" + queued + "/cancel", "");
        alice.post("/api/v1/jobs/" + running + "/cancel", "");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            waitFor=soon              | waitFor
            waitFor=terminal&timeout=2h | timeout
            waitFor=terminal&timeout=-1 | timeout
            waitFor=terminal&timeout=30x | timeout
            waitFor=                  | waitFor""")
    void aLongPollWithBadParametersIsA400ProblemNamingTheParameter(String query, String field) {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, SHORT_JOB.formatted("bad wait"));
        HttpResponse<String> answer = alice.get("/api/v1/jobs/" + id + "?" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(alice.json(answer).at("/errors/0/field").asString()).isEqualTo(field);
        alice.post("/api/v1/jobs/" + id + "/cancel", "");
    }

    /** Waits until the server counts {@code count} waiting long polls (its Prometheus gauge). */
    private void awaitWaits(int count) {
        ApiClient scrape = new ApiClient(port, null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scrape.get("/actuator/prometheus", "text/plain")
                        .body()
                        .contains("trainyard_events_waits " + count + ".0"));
    }

    /** Opens a stream once the owner's earlier streams, whose clients other tests closed, are noticed gone. */
    private SseClient openOnceFree(String token, String path) throws Exception {
        SseClient[] opened = new SseClient[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            SseClient client = stream(token, path, null);
            opened[0] = client;
            return client.status() == 200;
        });
        return opened[0];
    }

    private static boolean waitForEnd(SseClient client) throws InterruptedException {
        return client.next(Duration.ofSeconds(10)) == null && client.ended();
    }
}
