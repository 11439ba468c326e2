package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.RawHttp;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a broken or hostile client sends, class by class, against the real server on a random port: every answer is a
 * 4xx (or the 505/501 a protocol error calls for) with RFC 9457 problem details that name nothing of the server's
 * insides (classes, libraries, paths), and nothing is stored. Afterwards the server is healthy and still trains.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRequestsTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static final String TOKEN = TestServer.ALICE;
    /** Words that would mean the server told about its insides. */
    static final List<String> INTERNALS = List.of(
            "dev.trainyard",
            "java.",
            "javax.",
            "jakarta.",
            "tools.jackson",
            "com.fasterxml",
            "org.springframework",
            "org.apache",
            "Exception",
            "StreamReadConstraints",
            "JsonToken",
            "at line",
            "<html",
            "/tmp/",
            "trainyard-test-");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.http.body-timeout", () -> "3s");
        registry.add("server.tomcat.connection-timeout", () -> "2s");
        registry.add("trainyard.http.max-image-body", () -> "2MB");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private String trainedJob;

    @BeforeAll
    void aTrainedJob() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 10, 10, 4);
        Files.createDirectories(DATA_DIR.resolve("outside/class"));
        Files.createDirectories(DATA_DIR.resolve("datasets/linked"));
        Files.createSymbolicLink(DATA_DIR.resolve("datasets/linked/cats"), DATA_DIR.resolve("outside/class"));
        ApiClient alice = new ApiClient(port, TOKEN);
        String id = alice.json(alice.post("/api/v1/jobs", """
                {"epochs": 2, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
             "seed": 1, "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""")).get("id").asString();
        JsonNode done = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        trainedJob = id;
    }

    private long storedRows() {
        return jdbc.sql("select (select count(*) from jobs) + (select count(*) from idempotency_keys)")
                .query(Long.class)
                .single();
    }

    /** A request as lines, with a Content-Length for its body; {@code %job} stands for the trained job's id. */
    private byte[] http(String method, String target, String body, String... headers) {
        List<String> lines = new ArrayList<>();
        lines.add(method + " " + target.replace("%job", trainedJob) + " HTTP/1.1");
        lines.add("Host: localhost");
        lines.addAll(Arrays.asList(headers));
        if (body != null) {
            lines.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
        }
        lines.add("Connection: close");
        return RawHttp.request(body, lines.toArray(String[]::new));
    }

    private static byte[] bytes(String ascii, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private byte[] withBody(String head, byte[] body) {
        return bytes(head.replace("%job", trainedJob).replace("%len", Integer.toString(body.length)), body);
    }

    /** Checks one answer: a problem, in the API's words, with the expected status; nothing stored. */
    private void assertProblem(String name, RawHttp.Response response, Set<Integer> statuses, long rowsBefore) {
        assertThat(response.status())
                .as("%s: %s %s", name, response.status(), response.body())
                .isIn(statuses);
        assertThat(response.header("content-type")).as("%s: content type", name).startsWith("application/problem+json");
        JsonNode problem = JsonMapper.builder().build().readTree(response.body());
        assertThat(problem.get("type").asString()).as(name).startsWith("urn:trainyard:problem:");
        assertThat(problem.get("status").asInt()).as(name).isEqualTo(response.status());
        assertThat(problem.get("title").asString()).as(name).isNotBlank();
        assertThat(problem.get("detail").asString()).as(name).isNotBlank();
        for (String internal : INTERNALS) {
            assertThat(response.body()).as("%s reveals %s", name, internal).doesNotContain(internal);
        }
        assertThat(response.body()).as(name).doesNotContain(DATA_DIR.toString());
        assertThat(storedRows()).as("%s stored something", name).isEqualTo(rowsBefore);
    }

    private void check(String name, byte[] request, Integer... statuses) {
        long before = storedRows();
        assertProblem(name, new RawHttp(port).send(request, 10_000), Set.of(statuses), before);
    }

    Stream<Arguments> malformedFraming() {
        String auth = "Authorization: Bearer " + TOKEN;
        return Stream.of(
                Arguments.of(
                        "control characters for a request line",
                        RawHttp.request(null, "\u0001\u0002 / HTTP/1.1", "Host: x")),
                Arguments.of(
                        "NUL in the request line",
                        RawHttp.request(null, "GET /api/v1/jobs\u0000 HTTP/1.1", "Host: x", auth)),
                Arguments.of("request line without version", RawHttp.request(null, "GET /api/v1/jobs x y z")),
                Arguments.of(
                        "control character in header value",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", auth + "\u0001")),
                Arguments.of(
                        "NUL in header value",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "X-A: a\u0000b", auth)),
                Arguments.of(
                        "control character in header name",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "X\u0002Y: 1", auth)),
                Arguments.of(
                        "space before colon",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "X-A : 1", auth)),
                Arguments.of(
                        "header without colon",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "Just-A-Name", auth)),
                Arguments.of(
                        "oversize header",
                        RawHttp.request(
                                null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "X-Big: " + "a".repeat(20_000), auth)),
                Arguments.of(
                        "oversize request line",
                        RawHttp.request(
                                null, "GET /api/v1/jobs?x=" + "a".repeat(20_000) + " HTTP/1.1", "Host: x", auth)),
                Arguments.of(
                        "non-numeric Content-Length",
                        RawHttp.request(
                                "{}",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Content-Type: application/json",
                                "Content-Length: abc",
                                auth)),
                Arguments.of(
                        "negative Content-Length",
                        RawHttp.request(
                                "{}",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Content-Type: application/json",
                                "Content-Length: -2",
                                auth)),
                Arguments.of(
                        "two Content-Lengths",
                        RawHttp.request(
                                "{} ",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Content-Type: application/json",
                                "Content-Length: 2",
                                "Content-Length: 3",
                                auth)),
                Arguments.of(
                        "bad chunk size",
                        RawHttp.request(
                                "ZZ\r\n{}\r\n0\r\n\r\n",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Content-Type: application/json",
                                "Transfer-Encoding: chunked",
                                auth)),
                Arguments.of(
                        "unknown transfer coding",
                        RawHttp.request(
                                "{}",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Content-Type: application/json",
                                "Transfer-Encoding: rot13",
                                auth)),
                Arguments.of("missing Host", RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", auth)),
                Arguments.of(
                        "two Hosts", RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: a", "Host: b", auth)),
                Arguments.of(
                        "HTTP/2.0 in the request line",
                        RawHttp.request(null, "GET /api/v1/jobs HTTP/2.0", "Host: x", auth)),
                Arguments.of("HTTP/9.9", RawHttp.request(null, "GET /api/v1/jobs HTTP/9.9", "Host: x")),
                Arguments.of("unknown method", RawHttp.request(null, "FOO /api/v1/jobs HTTP/1.1", "Host: x", auth)),
                Arguments.of("TRACE", RawHttp.request(null, "TRACE /api/v1/jobs HTTP/1.1", "Host: x", auth)),
                Arguments.of("CONNECT", RawHttp.request(null, "CONNECT example:443 HTTP/1.1", "Host: example:443")),
                Arguments.of("lower-case method", RawHttp.request(null, "get /api/v1/jobs HTTP/1.1", "Host: x", auth)),
                Arguments.of(
                        "Expect other than 100-continue",
                        RawHttp.request(
                                "{}",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Expect: magic",
                                "Content-Type: application/json",
                                "Content-Length: 2",
                                auth)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFraming")
    void malformedRequestLinesAndHeadersAnswerProblems(String name, byte[] request) {
        check(name, request, 400, 404, 405, 413, 414, 417, 431, 501, 505);
    }

    Stream<Arguments> hostilePaths() {
        return Stream.of(
                        "/api/v1/jobs%2F" + "x",
                        "/api/v1/jobs%2fx",
                        "/api/v1/%2e%2e/jobs",
                        "/api/v1/../v1/jobs",
                        "/api/v1/./jobs",
                        "/api/v1/jobs%00",
                        "/api/v1/jobs%00.json",
                        "/api/v1/jobs;jsessionid=x",
                        "/api//v1/jobs",
                        "/api/v1\\jobs",
                        "/api/v1/jobs%5c",
                        "/api/v1/%c0%af/jobs",
                        "/api/v1/jobs/%ff%fe",
                        "/api/v1/jobs/..%2f..%2fetc",
                        "/api/v1/jobs/%252e%252e",
                        "/api/v1/jobs/" + "a".repeat(300),
                        "/api/v1/jobs/00000000-0000-0000-0000-00000000000G",
                        "/api/v1/jobs/%job/model?which=" + "x".repeat(5000),
                        "/api/v1/jobs?limit=%zz",
                        "/api/v1/jobs?cursor=%01%02",
                        "/api/v1/jobs?cursor=%C0%AF%FF",
                        "/api/v1/jobs?cursor=" + "A".repeat(3000),
                        "/api/v1/jobs?limit=99999999999",
                        "/api/v1/jobs?limit=-1",
                        "/api/v1/jobs?state=%0d%0aX-Forged:%20yes",
                        "/api/v1/jobs/%job/predictions?top=0",
                        "/api/v1/models/%2e%2e",
                        "/api/v1/models/seednet/summary?batchSize=-5",
                        "/nope",
                        "/api/v1/nope",
                        "*",
                        "http://evil.example/api/v1/jobs")
                .map(path -> Arguments.of(path));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostilePaths")
    void hostilePathsAndQueriesAnswerProblems(String path) {
        check(path, http("GET", path, null, "Authorization: Bearer " + TOKEN), 400, 404, 405);
    }

    Stream<Arguments> hostileHeaders() {
        String auth = "Authorization: Bearer " + TOKEN;
        return Stream.of(
                Arguments.of("two Authorization headers", List.of(auth, "Authorization: Bearer " + TestServer.BOB)),
                Arguments.of("Authorization without a scheme", List.of("Authorization: " + TOKEN)),
                Arguments.of("Basic instead of Bearer", List.of("Authorization: Basic " + TOKEN)),
                Arguments.of("empty bearer token", List.of("Authorization: Bearer ")),
                Arguments.of("huge bearer token", List.of("Authorization: Bearer " + "t".repeat(7000))),
                Arguments.of("token with a tab inside", List.of("Authorization: Bearer alice\t-token")),
                Arguments.of("Accept that is not a media type", List.of(auth, "Accept: ///;;==")),
                Arguments.of("Accept nothing produced", List.of(auth, "Accept: video/mp4")),
                Arguments.of("Accept with a bad quality", List.of(auth, "Accept: application/json;q=abc")),
                Arguments.of("If-None-Match with Latin-1 bytes", List.of(auth, "If-None-Match: \"\u00e9\u00ff\"")),
                Arguments.of("Origin of another site", List.of(auth, "Origin: http://evil.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileHeaders")
    void hostileHeadersOnAnUnknownJobAnswerProblems(String name, List<String> headers) {
        check(
                name,
                http("GET", "/api/v1/jobs/00000000-0000-0000-0000-000000000000", null, headers.toArray(String[]::new)),
                400,
                401,
                403,
                404,
                406);
    }

    Stream<Arguments> hostileJson() {
        return Stream.of(
                Arguments.of("duplicate field", "{\"epochs\": 3, \"epochs\": 500}"),
                Arguments.of("duplicate nested field", "{\"schedule\": {\"baseLr\": 0.1, \"baseLr\": 9}}"),
                Arguments.of("nesting 1000 deep", "{\"a\":".repeat(1000) + "1" + "}".repeat(1000)),
                Arguments.of("array nesting 5000 deep", "[".repeat(5000) + "]".repeat(5000)),
                Arguments.of("a 1000-digit number", "{\"epochs\": " + "9".repeat(1000) + "}"),
                Arguments.of("NaN", "{\"schedule\": {\"baseLr\": NaN}}"),
                Arguments.of("Infinity", "{\"schedule\": {\"baseLr\": Infinity}}"),
                Arguments.of("1e400", "{\"schedule\": {\"baseLr\": 1e400}}"),
                Arguments.of("a negative rate", "{\"schedule\": {\"baseLr\": -1}}"),
                Arguments.of("a fraction for epochs", "{\"epochs\": 2.5}"),
                Arguments.of("a string for epochs", "{\"epochs\": \"3\"}"),
                Arguments.of("a boolean for a string", "{\"name\": true}"),
                Arguments.of("an array body", "[]"),
                Arguments.of("a string body", "\"job\""),
                Arguments.of("null", "null"),
                Arguments.of("empty body", ""),
                Arguments.of("whitespace body", "   "),
                Arguments.of("trailing garbage", "{} {}"),
                Arguments.of("trailing comma", "{\"epochs\": 3,}"),
                Arguments.of("single quotes", "{'epochs': 3}"),
                Arguments.of("comments", "{/* hi */ \"epochs\": 3}"),
                Arguments.of("unknown field", "{\"epochz\": 3}"),
                Arguments.of("unknown nested field", "{\"schedule\": {\"warmup_steps\": 3}}"),
                Arguments.of("object for a number", "{\"epochs\": {\"$gt\": 1}}"),
                Arguments.of("newline in the name", "{\"name\": \"a\\nFORGED 2026-01-01 ERROR admin\"}"),
                Arguments.of("terminal escape in the name", "{\"name\": \"\\u001b[31mred\"}"),
                Arguments.of("NUL in the name", "{\"name\": \"a\\u0000b\"}"),
                Arguments.of("bidirectional override in the name", "{\"name\": \"abc\\u202edcba\"}"),
                Arguments.of("lone surrogate in the name", "{\"name\": \"a\\ud800b\"}"),
                Arguments.of("a 200 KB name", "{\"name\": \"" + "n".repeat(200_000) + "\"}"),
                Arguments.of("unknown model", "{\"model\": \"../../etc/passwd\"}"),
                Arguments.of("dataset path out", "{\"dataset\": {\"name\": \"imagefolder\", \"path\": \"../..\"}}"),
                Arguments.of("dataset absolute path", "{\"dataset\": {\"name\": \"imagefolder\", \"path\": \"/etc\"}}"),
                Arguments.of(
                        "dataset with a linked class folder",
                        "{\"dataset\": {\"name\": \"imagefolder\", \"path\": \"linked\"}}"),
                Arguments.of(
                        "dataset path with NUL", "{\"dataset\": {\"name\": \"imagefolder\", \"path\": \"a\\u0000\"}}"),
                Arguments.of("priority out of range", "{\"priority\": 1000}"),
                Arguments.of("batch size 0", "{\"batchSize\": 0}"),
                Arguments.of("warmup longer than the run", "{\"epochs\": 2, \"schedule\": {\"warmupEpochs\": 5}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileJson")
    void hostileJsonBodiesAnswerProblemsAndStoreNothing(String name, String body) {
        check(
                name,
                http(
                        "POST",
                        "/api/v1/jobs",
                        body,
                        "Authorization: Bearer " + TOKEN,
                        "Content-Type: application/json",
                        "Idempotency-Key: hostile-" + Math.abs(name.hashCode())),
                400);
        check(
                name + " (preview)",
                http(
                        "POST",
                        "/api/v1/schedules/preview",
                        body,
                        "Authorization: Bearer " + TOKEN,
                        "Content-Type: application/json"),
                400);
    }

    Stream<Arguments> hostileBodyBytes() {
        String head = "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: %len\r\nConnection: close\r\n\r\n";
        return Stream.of(
                Arguments.of("overlong UTF-8 for '/'", head, new byte[] {
                    '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, 'x', '"', '}'
                }),
                Arguments.of("overlong UTF-8 for NUL", head, new byte[] {
                    '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'
                }),
                Arguments.of("UTF-8 encoded surrogate", head, new byte[] {
                    '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'
                }),
                Arguments.of("a byte 0xff", head, new byte[] {
                    '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, '"', '}'
                }),
                Arguments.of("truncated UTF-8", head, new byte[] {
                    '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'
                }),
                Arguments.of("UTF-16 body", head, "{\"epochs\": 3}".getBytes(StandardCharsets.UTF_16)),
                Arguments.of("a 2 MB body", head, new byte[2 * 1024 * 1024]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodyBytes")
    void malformedBodyBytesAnswerProblems(String name, String head, byte[] body) {
        check(name, withBody(head, body), 400, 413);
    }

    @Test
    void chunkedBodiesAreCappedByWhatIsReadNotWhatIsDeclared() {
        String chunk = Integer.toHexString(256 * 1024) + "\r\n" + " ".repeat(256 * 1024) + "\r\n";
        byte[] request = RawHttp.request(
                chunk.repeat(8) + "0\r\n\r\n",
                "POST /api/v1/jobs HTTP/1.1",
                "Host: x",
                "Authorization: Bearer " + TOKEN,
                "Content-Type: application/json",
                "Transfer-Encoding: chunked");
        check("2 MB of chunks", request, 413);
    }

    @Test
    void aBodyThatStopsHalfwayIsAnswered408WithinSeconds() {
        byte[] head = RawHttp.request(
                "{\"epo",
                "POST /api/v1/jobs HTTP/1.1",
                "Host: x",
                "Authorization: Bearer " + TOKEN,
                "Content-Type: application/json",
                "Content-Length: 1000");
        long before = storedRows();
        RawHttp.Response response = new RawHttp(port).send(head, null, 0, 30_000);
        assertProblem("short body", response, Set.of(408, 400), before);
        assertThat(response.millis())
                .as("answered after the 2 s read timeout, not minutes")
                .isLessThan(15_000);
    }

    @Test
    void aBodySentByteAfterByteSlowerThanTheBodyTimeoutIsAnswered408() throws Exception {
        long before = storedRows();
        RawHttp.Response response = new RawHttp(port)
                .send(
                        RawHttp.request(
                                "{",
                                "POST /api/v1/jobs HTTP/1.1",
                                "Host: x",
                                "Authorization: Bearer " + TOKEN,
                                "Content-Type: application/json",
                                "Content-Length: 20"),
                        " ".getBytes(StandardCharsets.US_ASCII),
                        1500,
                        30_000);
        // the second byte comes after 1.5 s, within the read timeout; the rest never does
        assertProblem("slow body", response, Set.of(408, 400), before);
        assertThat(response.millis()).isLessThan(15_000);
    }

    /** A PNG whose header declares {@code width} x {@code height} pixels, with a few bytes of image data. */
    static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1024]);
        deflater.finish();
        byte[] compressed = new byte[2048];
        int length = deflater.deflate(compressed);
        chunk(out, "IDAT", Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A small real JPEG whose frame header is changed to declare {@code width} x {@code height} pixels. */
    static byte[] jpegDeclaring(int width, int height) throws IOException {
        byte[] jpeg = encoded("jpeg", 16, 16);
        for (int i = 0; i < jpeg.length - 9; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new IllegalStateException("no baseline frame header");
    }

    static byte[] encoded(String format, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out))
                .as("a writer for %s", format)
                .isTrue();
        return out.toByteArray();
    }

    Stream<Arguments> hostileImages() throws IOException {
        byte[] png = encoded("png", 40, 30);
        return Stream.of(
                Arguments.of("JPEG declaring 20000x20000", jpegDeclaring(20_000, 20_000)),
                Arguments.of("JPEG declaring 65535x65535", jpegDeclaring(65_535, 65_535)),
                Arguments.of("JPEG declaring 0x0", jpegDeclaring(0, 0)),
                Arguments.of("PNG declaring 20000x20000", pngDeclaring(20_000, 20_000)),
                Arguments.of("PNG declaring 100000x1000", pngDeclaring(100_000, 1_000)),
                Arguments.of("PNG declaring 2^31-1 x 2^31-1", pngDeclaring(Integer.MAX_VALUE, Integer.MAX_VALUE)),
                Arguments.of("PNG declaring a negative width", pngDeclaring(-5, 10)),
                Arguments.of("GIF", encoded("gif", 20, 20)),
                Arguments.of("BMP", encoded("bmp", 20, 20)),
                Arguments.of("TIFF", encoded("tiff", 20, 20)),
                Arguments.of("PNG cut in half", Arrays.copyOf(png, png.length / 2)),
                Arguments.of("PNG signature only", Arrays.copyOf(png, 8)),
                Arguments.of("JPEG start marker only", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}),
                Arguments.of("text", "not an image".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("nothing", new byte[0]),
                Arguments.of("3 MB of zeros", new byte[3 * 1024 * 1024]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileImages")
    void hostileImagesAnswerProblemsWithoutDecoding(String name, byte[] image) {
        String head = "POST /api/v1/jobs/%job/predictions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: image/png\r\nContent-Length: %len\r\nConnection: close\r\n\r\n";
        check(name, withBody(head, image), 400, 413);
        String boundary = "xyz123";
        byte[] multipart = bytes(
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; "
                        + "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n",
                image,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        check(
                name + " (multipart)",
                withBody(
                        "POST /api/v1/jobs/%job/predictions HTTP/1.1\r\nHost: x\r\n"
                                + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: multipart/form-data; boundary="
                                + boundary
                                + "\r\nContent-Length: %len\r\nConnection: close\r\n\r\n",
                        multipart),
                400,
                413);
    }

    @Test
    void brokenMultipartAnswersProblems() {
        String auth = "Authorization: Bearer " + TOKEN;
        check(
                "no boundary",
                http("POST", "/api/v1/jobs/%job/predictions", "abcd", auth, "Content-Type: multipart/form-data"),
                400);
        check(
                "wrong part name",
                http(
                        "POST",
                        "/api/v1/jobs/%job/predictions",
                        "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nxx\r\n--b--\r\n",
                        auth,
                        "Content-Type: multipart/form-data; boundary=b"),
                400);
        check(
                "unterminated",
                http(
                        "POST",
                        "/api/v1/jobs/%job/predictions",
                        "--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nxx",
                        auth,
                        "Content-Type: multipart/form-data; boundary=b"),
                400);
    }

    @Test
    void concurrentDecodingBombsLeaveTheServerAnswering() throws Exception {
        byte[] bomb = jpegDeclaring(30_000, 30_000);
        String head = "POST /api/v1/jobs/%job/predictions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: image/jpeg\r\nContent-Length: %len\r\nConnection: close\r\n\r\n";
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Callable<RawHttp.Response>> sends = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                sends.add(() -> new RawHttp(port).send(withBody(head, bomb), 30_000));
            }
            for (Future<RawHttp.Response> answer : clients.invokeAll(sends)) {
                assertThat(answer.get().status()).isEqualTo(400);
            }
        } finally {
            clients.shutdownNow();
        }
        byte[] fine = encoded("png", 64, 48);
        RawHttp.Response ok = new RawHttp(port).send(withBody(head.replace("image/jpeg", "image/png"), fine), 30_000);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterAllOfItTheServerIsHealthyAndTrains() throws Exception {
        ApiClient alice = new ApiClient(port, TOKEN);
        assertThat(alice.get("/actuator/health").statusCode()).isEqualTo(200);
        String id = alice.json(alice.post("/api/v1/jobs", """
                {"epochs": 2, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
             "seed": 1, "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""")).get("id").asString();
        JsonNode done = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    }
}
