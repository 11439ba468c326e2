package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
        ApiClient client = new ApiClient(port, TestServer.ALICE);
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (client.get("/actuator/health").statusCode() == 200) {
                    return client;
                }
            } catch (java.io.UncheckedIOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the server did not become healthy; see " + dataDir.resolve(name + ".log"));
    }

    @Test
    void jobKilledMidEpochResumesAfterRestartAndFinishes() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 200, 40, 5);
        ApiClient first = startServer("first");
        String spec = """
                {"epochs": 4, "batchSize": 10, "seed": 3, "dataset": {"trainLimit": 1000, "testLimit": 40},
                 "schedule": {"baseLr": 0.05, "warmupEpochs": 1}}""";
        String id = first.json(first.post("/api/v1/jobs", spec)).get("id").asString();
        // mid-epoch 2: one epoch-end checkpoint exists, and steps after it have been recorded
        first.poll("/api/v1/jobs/" + id, Duration.ofMinutes(2), job -> job.at("/progress/step").asLong() >= 130);

        servers.get(0).destroyForcibly().waitFor();

        ApiClient second = startServer("second");
        JsonNode done = second.poll("/api/v1/jobs/" + id, Duration.ofMinutes(3),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempt").asInt()).isEqualTo(2);
        assertThat(done.get("epochs")).extracting(epoch -> epoch.get("epoch").asInt()).containsExactly(1, 2, 3, 4);

        JsonNode steps = second.json(second.get("/api/v1/jobs/" + id + "/metrics")).get("steps");
        JsonNode preview = second.json(second.post("/api/v1/schedules/preview", """
                {"schedule": {"baseLr": 0.05, "warmupEpochs": 1}, "epochs": 4, "stepsPerEpoch": 100}"""));
        assertThat(steps).hasSize(400);
        for (int s = 0; s < 400; s++) {
            assertThat(steps.get(s).get("step").asLong()).isEqualTo(s);
            assertThat(steps.get(s).get("learningRate").asDouble()).as("rate of step %d", s)
                    .isEqualTo(preview.at("/points/" + s + "/lr").asDouble());
        }
        JsonNode checkpoints = second.json(second.get("/api/v1/jobs/" + id + "/checkpoints"));
        assertThat(checkpoints.size()).isBetween(1, 4);
        assertThat(second.getBytes("/api/v1/jobs/" + id + "/model?which=best").statusCode()).isEqualTo(200);
        assertThat(second.getBytes("/api/v1/jobs/" + id + "/model?which=newest").statusCode()).isEqualTo(400);
        assertThat(java.nio.file.Files.readString(dataDir.resolve("jobs").resolve(id).resolve("training.log")))
                .contains("resuming at step 100 (epoch 2)");
    }
}
