package dev.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.RawHttp;
import dev.trainyard.ServerProcess;
import dev.trainyard.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server logging everything (root at DEBUG, Tomcat's HTTP parsing at TRACE) is sent requests that put a valid
 * token where the container complains about it, and names, paths and headers that try to forge log lines: its log
 * holds no token, no raw control character, and no line a client wrote.
 */
class LogSafetyTest {

    private final Path dataDir = TestServer.newDataDir();
    private ServerProcess server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void noTokenAndNoForgedLineReachTheLogAtAnyLevel() throws Exception {
        List<String> arguments = new ArrayList<>(TestServer.arguments(dataDir, "0"));
        arguments.addAll(List.of(
                "--logging.level.root=DEBUG",
                "--logging.level.org.apache.coyote=TRACE",
                "--logging.level.org.apache.tomcat=TRACE",
                "--logging.level.org.apache.catalina=TRACE"));
        server = ServerProcess.start(dataDir.resolve("server.log"), TestServer.ALICE, arguments);
        RawHttp http = new RawHttp(server.client().port());
        String token = TestServer.ALICE;
        String forgedName = "{\"name\": \"a\\nFORGED-LINE ERROR root broke in\\u001b[2J\"}";
        List<byte[]> requests = List.of(
                RawHttp.request(
                        null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "Authorization: Bearer " + token + "\u0001"),
                RawHttp.request(
                        null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "Authorization: Bearer " + token + "\u0000x"),
                RawHttp.request(null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "Authorization\u0001: Bearer " + token),
                RawHttp.request(
                        null, "GET /api/v1/jobs HTTP/1.1", "Host: x", "authorization:bearer " + token + "\u007f"),
                RawHttp.request(
                        null,
                        "GET /api/v1/jobs HTTP/1.1",
                        "Host: x",
                        "Authorization: Bearer " + token,
                        "Authorization: Bearer " + token),
                RawHttp.request(
                        null,
                        "GET /api/v1/jobs HTTP/1.1",
                        "Host: x",
                        "X-Note: token=" + token + "\u0001",
                        "Authorization: Bearer " + token),
                RawHttp.request(
                        null,
                        "GET /api/v1/jobs HTTP/1.1",
                        "Host: x",
                        "Authorization: Bearer " + token + "x".repeat(9000)),
                RawHttp.request(
                        forgedName,
                        "POST /api/v1/jobs HTTP/1.1",
                        "Host: x",
                        "Authorization: Bearer " + token,
                        "Content-Type: application/json",
                        "Content-Length: " + forgedName.length()),
                RawHttp.request(
                        null,
                        "GET /api/v1/jobs/%0d%0aFORGED-LINE%1b[31m HTTP/1.1",
                        "Host: x",
                        "Authorization: Bearer " + token),
                RawHttp.request(
                        null,
                        "GET /api/v1/jobs?cursor=%0aFORGED-LINE HTTP/1.1",
                        "Host: x",
                        "Authorization: Bearer " + token),
                RawHttp.request(
                        null, "GET /api/v1/jobs HTTP/1.1", "Host: x\u001b[31m", "Authorization: Bearer " + token));
        for (byte[] request : requests) {
            RawHttp.Response answer = http.send(request, 10_000);
            assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
        }
        // a line written after the requests, to know the log has caught up with them
        assertThat(server.client().get("/api/v1/jobs").statusCode()).isEqualTo(200);

        String log = Files.readString(server.log(), StandardCharsets.ISO_8859_1);
        assertThat(log).as("the log is at DEBUG").contains("DEBUG");
        assertThat(log).doesNotContain(token);
        assertThat(log.chars()
                        .filter(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f)
                        .count())
                .as("raw control characters in the log")
                .isZero();
        for (String line : log.split("\n")) {
            assertThat(line).as("a forged log line").doesNotStartWith("FORGED-LINE");
        }
    }
}
