package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Over real HTTP, with the executor idle (jobs stay QUEUED): idempotent submission, conditional GET, the per-owner
 * queue limit (3 here) and the body size cap.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SubmissionLimitsTest {

    private static final String SPEC = "{\"epochs\": 2}";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, TestServer.newDataDir(), "0");
        registry.add("trainyard.jobs.max-queued-per-owner", () -> "3");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        return http.send(
                request.header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> submit(String token, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request, token);
    }

    private HttpResponse<String> get(String token, String path, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return send(request, token);
    }

    private long jobsOf(String owner) {
        return jdbc.sql("select count(*) from jobs where owner = :owner")
                .param("owner", owner)
                .query(Long.class)
                .single();
    }

    private String id(HttpResponse<String> response) {
        JsonNode body = json.readTree(response.body());
        return body.get("id").asString();
    }

    @Test
    void repeatedIdempotencyKeyReturnsTheOriginalJobAndADifferentBodyIsRefused() throws Exception {
        HttpResponse<String> first = submit(TestServer.ALICE, SPEC, "alice-key-1");
        HttpResponse<String> again = submit(TestServer.ALICE, SPEC, "alice-key-1");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(id(again)).isEqualTo(id(first));
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));

        HttpResponse<String> different = submit(TestServer.ALICE, "{\"epochs\": 3}", "alice-key-1");
        assertThat(different.statusCode()).as(different.body()).isEqualTo(422);
        assertThat(json.readTree(different.body()).get("type").asString())
                .isEqualTo("urn:trainyard:problem:unprocessable");
        assertThat(jobsOf("alice")).isEqualTo(1);

        // the key is the caller's own: another owner's use of the same key is a different submission
        assertThat(id(submit(TestServer.BOB, SPEC, "alice-key-1"))).isNotEqualTo(id(first));
        assertThat(submit(TestServer.ALICE, SPEC, "bad key with spaces").statusCode())
                .isEqualTo(400);
    }

    @Test
    void fiftyConcurrentDuplicatesCreateExactlyOneJob() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Callable<HttpResponse<String>>> posts = IntStream.range(0, 50)
                    .<Callable<HttpResponse<String>>>mapToObj(n -> () -> submit(TestServer.ROOT, SPEC, "burst"))
                    .toList();
            List<HttpResponse<String>> answers = clients.invokeAll(posts).stream()
                    .map(SubmissionLimitsTest::join)
                    .toList();
            assertThat(answers)
                    .allSatisfy(answer ->
                            assertThat(answer.statusCode()).as(answer.body()).isIn(201, 409));
            assertThat(answers.stream()
                            .filter(a -> a.statusCode() == 201)
                            .map(this::id)
                            .distinct())
                    .hasSize(1);
        } finally {
            clients.shutdownNow();
        }
        assertThat(jobsOf("root")).isEqualTo(1);
    }

    private static HttpResponse<String> join(Future<HttpResponse<String>> answer) {
        try {
            return answer.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void etagAnswers304UntilTheJobChanges() throws Exception {
        String id = id(submit(TestServer.ALICE, SPEC, null));
        HttpResponse<String> first = get(TestServer.ALICE, "/api/v1/jobs/" + id, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> unchanged = get(TestServer.ALICE, "/api/v1/jobs/" + id, etag);
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();

        HttpResponse<String> cancel = send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs/" + id + "/cancel"))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                TestServer.ALICE);
        assertThat(cancel.statusCode()).isEqualTo(200);
        HttpResponse<String> changed = get(TestServer.ALICE, "/api/v1/jobs/" + id, etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
    }

    @Test
    void queuedJobsPastTheOwnersLimitAnswer429WithRetryAfter() throws Exception {
        while (jobsOf("bob") < 3) {
            assertThat(submit(TestServer.BOB, SPEC, null).statusCode()).isEqualTo(201);
        }
        long before = jobsOf("bob");
        HttpResponse<String> refused = submit(TestServer.BOB, SPEC, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("60");
        assertThat(json.readTree(refused.body()).get("type").asString())
                .isEqualTo("urn:trainyard:problem:too-many-requests");
        assertThat(jobsOf("bob")).isEqualTo(before);
    }

    @Test
    void tenMegabyteBodyAnswers413BeforeItIsRead() throws Exception {
        String huge = "{\"name\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}";
        HttpResponse<String> refused = submit(TestServer.ALICE, huge, null);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(json.readTree(refused.body()).get("type").asString()).isEqualTo("urn:trainyard:problem:too-large");
    }
}
