package dev.trainyard.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Webhooks on the real server, for jobs that train for real, delivered to a receiver on this machine. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhooksTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    /** Alice's signing secret: whsec_ and the base64 of 32 bytes. Bob has none. */
    static final String SECRET = "whsec_"
            + Base64.getEncoder()
                    .encodeToString("trainyard-webhooks-test-key-0032".getBytes(StandardCharsets.US_ASCII));

    static final WebhookReceiver RECEIVER = newReceiver();

    /** 3 epochs of 5 steps. */
    static final String JOB = """
            {"name": "%s", "model": "lenet5", "dataset": {"name": "cifar10", "trainLimit": 50, "testLimit": 20},
             "epochs": 3, "batchSize": 10, "seed": 1, "schedule": {"type": "constant", "baseLr": 0.01},
             "notify": %s}""";

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private static WebhookReceiver newReceiver() {
        try {
            return new WebhookReceiver();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.webhooks.secrets[0].principal", () -> "alice");
        registry.add("trainyard.webhooks.secrets[0].secret", () -> SECRET);
        registry.add("trainyard.webhooks.allowed-networks[0]", () -> "127.0.0.1/32");
        registry.add("trainyard.webhooks.first-retry", () -> "100ms");
        registry.add("trainyard.webhooks.max-retry", () -> "200ms");
        registry.add("trainyard.webhooks.max-attempts", () -> "4");
        registry.add("trainyard.webhooks.poll-interval", () -> "50ms");
        registry.add("trainyard.webhooks.timeout", () -> "1s");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 50, 20, 3);
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    private String submit(ApiClient api, String name, String notify) {
        HttpResponse<String> created = api.post("/api/v1/jobs", JOB.formatted(name, notify));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return api.json(created).get("id").asString();
    }

    private static String notify(String url, String... events) {
        return "{\"url\": \"" + url + "\", \"events\": ["
                + java.util.Arrays.stream(events).map(e -> "\"" + e + "\"").collect(Collectors.joining(", "))
                + "]}";
    }

    private JsonNode awaitSucceeded(ApiClient api, String id) throws InterruptedException {
        JsonNode job = api.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                j -> Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(j.get("state").asString()));
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** Polls the job until it has {@code count} deliveries, none of them PENDING. */
    private List<JsonNode> awaitSettled(ApiClient api, String id, int count) throws InterruptedException {
        JsonNode job = api.poll(
                "/api/v1/jobs/" + id,
                Duration.ofSeconds(30),
                j -> j.has("deliveries")
                        && j.get("deliveries").size() == count
                        && deliveries(j).stream()
                                .noneMatch(d -> d.get("status").asString().equals("PENDING")));
        return deliveries(job);
    }

    private static List<JsonNode> deliveries(JsonNode job) {
        return StreamSupport.stream(job.get("deliveries").spliterator(), false).toList();
    }

    private List<WebhookReceiver.Request> ofJob(String path, String id) {
        return RECEIVER.received(path).stream()
                .filter(request -> json.readTree(request.body())
                        .at("/data/jobId")
                        .asString()
                        .equals(id))
                .toList();
    }

    /** The Standard Webhooks check, written out here apart from the server's signer. */
    private static boolean verifies(WebhookReceiver.Request request) throws Exception {
        byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signed = request.id() + "." + request.timestamp() + "." + request.body();
        String expected =
                "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        // the header may carry several space-separated signatures; one of them must match
        return List.of(request.signature().split(" ")).contains(expected);
    }

    @Test
    void eachStateChangeAndEpochIsPostedOnceSignedTheStandardWebhooksWayAndShownOnTheJob() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, "signed", notify(RECEIVER.url("/ok"), "state", "epoch"));
        awaitSucceeded(alice, id);
        List<JsonNode> deliveries = awaitSettled(alice, id, 6);

        List<WebhookReceiver.Request> requests = ofJob("/ok", id);
        assertThat(requests).hasSize(6);
        for (WebhookReceiver.Request request : requests) {
            assertThat(verifies(request)).as("signature of %s", request.body()).isTrue();
            assertThat(Instant.ofEpochSecond(Long.parseLong(request.timestamp())))
                    .isBetween(Instant.now().minusSeconds(300), Instant.now().plusSeconds(5));
            assertThat(request.contentType()).startsWith("application/json");
        }
        List<JsonNode> bodies =
                requests.stream().map(r -> json.readTree(r.body())).toList();
        assertThat(bodies.stream()
                        .filter(b -> b.get("type").asString().equals("job.state"))
                        .map(b -> b.at("/data/state").asString()))
                .containsExactlyInAnyOrder("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(bodies.stream()
                        .filter(b -> b.get("type").asString().equals("job.epoch"))
                        .map(b -> b.at("/data/epoch").asInt()))
                .containsExactlyInAnyOrder(1, 2, 3);

        assertThat(deliveries).allSatisfy(delivery -> {
            assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.get("lastStatus").asInt()).isEqualTo(204);
            assertThat(delivery.has("finishedAt")).isTrue();
        });
        assertThat(deliveries.stream().map(d -> d.get("id").asString()))
                .as("the webhook-id a receiver saw is the delivery's id")
                .containsExactlyInAnyOrderElementsOf(
                        requests.stream().map(WebhookReceiver.Request::id).toList());
        assertThat(deliveries.stream().map(d -> d.get("eventSeq").asLong()).toList())
                .as("newest first")
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    /** The README's receiver check, a script that needs openssl only, verifies what a receiver got. */
    @Test
    void theVerifyScriptAcceptsARealRequestAndRefusesATamperedOne() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed");
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, "verified", notify(RECEIVER.url("/ok"), "state"));
        awaitSucceeded(alice, id);
        awaitSettled(alice, id, 3);
        WebhookReceiver.Request request = ofJob("/ok", id).get(0);

        assertThat(verifyScript(request, request.body())).isEqualTo(0);
        assertThat(verifyScript(request, request.body().replace("\"jobId\"", "\"jobid\"")))
                .isEqualTo(1);
        assertThat(verifyScript(request, request.body() + "\n")).isEqualTo(1);
    }

    private static boolean onPath(String command) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    }

    private static int verifyScript(WebhookReceiver.Request request, String body) throws Exception {
        Process process = new ProcessBuilder(
                        "bash",
                        "scripts/verify-webhook.sh",
                        SECRET,
                        request.id(),
                        request.timestamp(),
                        request.signature())
                .redirectErrorStream(true)
                .start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertThat(output).isEqualTo(exit == 0 ? "verified\n" : "no signature matches\n");
        return exit;
    }

    @Test
    void aDeliveryAnswered500IsRetriedWithTheSameIdAndANewSignature() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String id = submit(alice, "flaky", notify(RECEIVER.url("/flaky"), "state"));
        awaitSucceeded(alice, id);
        List<JsonNode> deliveries = awaitSettled(alice, id, 3);

        assertThat(deliveries).allSatisfy(delivery -> {
            assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
            assertThat(delivery.get("lastStatus").asInt()).isEqualTo(200);
        });
        List<WebhookReceiver.Request> requests = ofJob("/flaky", id);
        assertThat(requests).hasSize(6);
        for (JsonNode delivery : deliveries) {
            List<WebhookReceiver.Request> attempts = requests.stream()
                    .filter(r -> r.id().equals(delivery.get("id").asString()))
                    .toList();
            assertThat(attempts).extracting(WebhookReceiver.Request::status).containsExactly(500, 200);
            assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                    .as("the retry waits first-retry")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(90));
            for (WebhookReceiver.Request attempt : attempts) {
                assertThat(verifies(attempt)).isTrue();
            }
        }
    }

    @Test
    void aReceiverThatAnswers410IsGivenUpAtOnceAndOneThatRedirectsAfterMaxAttempts() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String gone = submit(alice, "gone", notify(RECEIVER.url("/gone"), "state"));
        String redirected = submit(alice, "redirected", notify(RECEIVER.url("/redirect"), "state"));
        awaitSucceeded(alice, gone);
        awaitSucceeded(alice, redirected);

        assertThat(awaitSettled(alice, gone, 3)).allSatisfy(delivery -> {
            assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery.get("lastStatus").asInt()).isEqualTo(410);
            assertThat(delivery.get("lastError").asString()).contains("410 Gone");
            assertThat(delivery.has("nextAttemptAt")).isFalse();
        });
        assertThat(awaitSettled(alice, redirected, 3)).allSatisfy(delivery -> {
            assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(4);
            assertThat(delivery.get("lastStatus").asInt()).isEqualTo(302);
            assertThat(delivery.get("lastError").asString())
                    .contains("redirects are not followed")
                    .contains("gave up after 4 attempts");
        });
        assertThat(ofJob("/redirect", redirected)).hasSize(12);
        assertThat(ofJob("/ok", redirected)).as("the redirect was not followed").isEmpty();
    }

    @Test
    void aReceiverThatNeverAnswersDoesNotHoldUpTraining() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        try {
            String id = submit(alice, "slow receiver", notify(RECEIVER.url("/slow"), "state", "epoch"));
            await().atMost(Duration.ofSeconds(30)).until(() -> RECEIVER.heldOpen() > 0);
            awaitSucceeded(alice, id);
            assertThat(RECEIVER.heldOpen())
                    .as("requests still waiting for the receiver")
                    .isPositive();
            assertThat(ofJob("/slow", id)).as("no request was answered").isEmpty();
            JsonNode job = alice.json(alice.get("/api/v1/jobs/" + id));
            assertThat(deliveries(job))
                    .as("one timed-out attempt shows as a retry")
                    .anySatisfy(delivery ->
                            assertThat(delivery.path("lastError").asString()).isEqualTo("no answer within 1000 ms"));
        } finally {
            RECEIVER.releaseSlow();
        }
    }

    @Test
    void aWebhookThatMayNotBeCalledIsRefusedAtSubmissionAndNothingIsStored() {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        ApiClient bob = alice.as(TestServer.BOB);
        int aliceJobs =
                alice.json(alice.get("/api/v1/jobs?limit=100")).get("items").size();
        int bobJobs = bob.json(bob.get("/api/v1/jobs?limit=100")).get("items").size();

        assertRefused(alice, notify("http://10.0.0.1/hook", "state"), "notify.url", WebhookAddresses.NOT_ALLOWED);
        assertRefused(
                alice,
                notify("http://169.254.169.254/latest/meta-data/", "state"),
                "notify.url",
                WebhookAddresses.NOT_ALLOWED);
        assertRefused(
                alice,
                notify("http://127.0.0.2:" + port + "/hook", "state"),
                "notify.url",
                WebhookAddresses.NOT_ALLOWED);
        assertRefused(
                alice, notify("http://[::1]:" + port + "/hook", "state"), "notify.url", WebhookAddresses.NOT_ALLOWED);
        assertRefused(alice, notify("file:///etc/passwd", "state"), "notify.url", "absolute http or https");
        assertRefused(alice, notify("http://u:p@127.0.0.1/hook", "state"), "notify.url", "user info");
        assertRefused(alice, notify("", "state"), "notify.url", "blank");
        assertRefused(alice, notify(RECEIVER.url("/ok?pad=" + "x".repeat(2000))), "notify.url", "2000");
        assertRefused(alice, notify(RECEIVER.url("/ok")), "notify.events", "1 to 3");
        assertRefused(alice, notify(RECEIVER.url("/ok"), "bogus"), "notify.events", "");
        assertRefused(alice, "{\"url\": \"" + RECEIVER.url("/ok") + "\", \"secret\": \"x\"}", "notify.secret", "");
        assertRefused(bob, notify(RECEIVER.url("/ok"), "state"), "notify", "signing secret");

        assertThat(alice.json(alice.get("/api/v1/jobs?limit=100")).get("items").size())
                .isEqualTo(aliceJobs);
        assertThat(bob.json(bob.get("/api/v1/jobs?limit=100")).get("items").size())
                .isEqualTo(bobJobs);
        assertThat(RECEIVER.received("/ok").stream().filter(r -> r.body().contains("refused")))
                .isEmpty();
    }

    private void assertRefused(ApiClient api, String notify, String field, String message) {
        HttpResponse<String> answer = api.post("/api/v1/jobs", JOB.formatted("refused", notify));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode errors = api.json(answer).get("errors");
        assertThat(errors).as(answer.body()).anySatisfy(error -> {
            assertThat(error.get("field").asString()).startsWith(field);
            assertThat(error.get("message").asString()).contains(message);
        });
        assertThat(answer.body()).doesNotContain(SECRET).doesNotContain("Exception");
    }
}
