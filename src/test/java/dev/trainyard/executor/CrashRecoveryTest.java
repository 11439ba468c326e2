package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server process is killed (SIGKILL, no shutdown hook) in the middle of an epoch; after a restart the job
 * resumes from its last checkpoint and finishes with one continuous schedule and each epoch recorded once.
 */
class CrashRecoveryTest {

    private final Path dataDir = TestServer.newDataDir();
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(Process::destroyForcibly);
    }

    private ApiClient startServer(String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrainyardApplication.class.getName(),
                "--server.port=" + port, "--trainyard.data-dir=" + dataDir,
                "--trainyard.executor.poll-interval=200ms", "--trainyard.executor.progress-interval=100ms",
                "--trainyard.security.tokens[0].principal=alice", "--trainyard.security.tokens[0].token=" + TestServer.ALICE)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve(name + ".log").toFile())
                .start();
        servers.add(server);
        return new ApiClient(port, TestServer.ALICE).awaitHealthy(Duration.ofSeconds(90), dataDir.resolve(name + ".log"));
    }

    @Test
    void jobKilledMidEpochResumesAfterRestartAndFinishes() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 200, 40, 5);
        ApiClient first = startServer("first");
        String id = first.json(first.post("/api/v1/jobs", InterruptedJob.SPEC)).get("id").asString();
        first.poll("/api/v1/jobs/" + id, Duration.ofMinutes(2),
                job -> job.at("/progress/step").asLong() >= InterruptedJob.INTERRUPT_AT_STEP);

        servers.get(0).destroyForcibly().waitFor();

        ApiClient second = startServer("second");
        InterruptedJob.assertFinishedAsIfUninterrupted(second, id);
        JsonNode checkpoints = second.json(second.get("/api/v1/jobs/" + id + "/checkpoints"));
        assertThat(checkpoints.size()).isBetween(1, 4);
        assertThat(second.getBytes("/api/v1/jobs/" + id + "/model?which=best").statusCode()).isEqualTo(200);
        assertThat(second.getBytes("/api/v1/jobs/" + id + "/model?which=newest").statusCode()).isEqualTo(400);
        assertThat(java.nio.file.Files.readString(dataDir.resolve("jobs").resolve(id).resolve("training.log")))
                .contains("resuming at step 100 (epoch 2)");
    }
}
