package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.ServerProcess;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.system.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server process is killed (SIGKILL, no shutdown hook) at seeded random moments while a job trains: mid-epoch,
 * and just after epoch ends, while the epoch's result and checkpoint are being recorded. After each restart,
 * everything a client had been shown is still there (epoch results unchanged, checkpoints with intact files, every
 * recorded step); the job resumes from its newest checkpoint and finishes with one continuous schedule and each epoch
 * recorded once.
 */
abstract class CrashRecoveryContract {

    private static final long SEED = 7_771L;
    private static final int KILLS = 4;

    private final Path dataDir = TestServer.newDataDir();
    private final List<ServerProcess> servers = new ArrayList<>();

    /** The datasource settings of the database under test, as {@code --key=value} arguments. */
    abstract List<String> databaseArguments();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    private ServerProcess start() throws InterruptedException {
        List<String> arguments = new ArrayList<>(TestServer.arguments(dataDir, "1"));
        arguments.addAll(databaseArguments());
        arguments.addAll(List.of(
                "--trainyard.executor.replica-id=crash-test",
                "--trainyard.executor.max-attempts=" + (KILLS + 1),
                // every checkpoint stays, so each one a client saw can be checked after every restart
                "--trainyard.checkpoints.keep=100"));
        ServerProcess server = ServerProcess.start(dataDir.resolve("server.log"), TestServer.ALICE, arguments);
        servers.add(server);
        return server;
    }

    /** What a client was shown before a kill. */
    private record Seen(JsonNode job, JsonNode epochs, JsonNode checkpoints, Map<Long, Double> rates) {}

    @Test
    void everythingShownSurvivesKillsDuringTrainingAndTheJobFinishesAsIfUninterrupted() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 200, 40, 5);
        Random random = new Random(SEED);
        ServerProcess server = start();
        String id = server.client()
                .json(server.client().post("/api/v1/jobs", InterruptedJob.SPEC))
                .get("id")
                .asString();
        for (int kill = 1; kill <= KILLS; kill++) {
            // odd kills land mid-epoch, even ones just after an epoch's end (steps 100 and 300)
            boolean atEpochEnd = kill % 2 == 0;
            long target = atEpochEnd ? 100L * (kill - 1) : 100L * (kill - 1) + 10 + random.nextInt(80);
            ApiClient client = server.client();
            Seen seen = watchUntil(client, id, kill, target);
            if (atEpochEnd) {
                // the epoch's evaluation, checkpoint and record take a few tens of milliseconds on this fixture
                Thread.sleep(random.nextInt(150));
                seen = look(client, id);
            }
            server.kill();

            server = start();
            assertStillThere(server.client(), id, seen, "kill " + kill + " near step " + target);
        }

        JsonNode done = InterruptedJob.assertFinishedAsIfUninterrupted(server.client(), id, KILLS + 1);
        assertThat(done.get("epochs")).hasSize(4);
        JsonNode checkpoints = server.client().json(server.client().get("/api/v1/jobs/" + id + "/checkpoints"));
        for (JsonNode checkpoint : checkpoints) {
            Path file = dataDir.resolve("jobs")
                    .resolve(id)
                    .resolve("checkpoints")
                    .resolve(String.format(
                            "step-%09d.zip", checkpoint.get("step").asLong()));
            assertThat(Sha256.hex(file))
                    .as("checkpoint at step %s", checkpoint.get("step"))
                    .isEqualTo(checkpoint.get("sha256").asString());
        }
        assertThat(server.client().getBytes("/api/v1/jobs/" + id + "/model").statusCode())
                .isEqualTo(200);
        assertThat(server.client()
                        .getBytes("/api/v1/jobs/" + id + "/model?which=best")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Files.readString(dataDir.resolve("jobs").resolve(id).resolve("training.log")))
                .contains("resuming at step");
    }

    /** Watches the job until its attempt {@code attempt} has done {@code step} steps. */
    private Seen watchUntil(ApiClient client, String id, int attempt, long step) {
        return await("attempt " + attempt + " at step " + step)
                .atMost(Duration.ofMinutes(2))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> look(client, id),
                        seen -> seen.job().path("attempt").asInt() == attempt
                                && seen.job().get("state").asString().equals("RUNNING")
                                && seen.job().at("/progress/step").asLong() >= step);
    }

    private static Seen look(ApiClient client, String id) {
        JsonNode job = client.json(client.get("/api/v1/jobs/" + id));
        JsonNode metrics = client.json(client.get("/api/v1/jobs/" + id + "/metrics"));
        JsonNode checkpoints = client.json(client.get("/api/v1/jobs/" + id + "/checkpoints"));
        Map<Long, Double> rates = new HashMap<>();
        metrics.get("steps")
                .forEach(step -> rates.put(
                        step.get("step").asLong(), step.get("learningRate").asDouble()));
        return new Seen(job, metrics.get("epochs"), checkpoints, rates);
    }

    private void assertStillThere(ApiClient client, String id, Seen seen, String when) {
        Seen now = look(client, id);
        assertThat(now.job().get("state").asString()).as(when).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        for (JsonNode epoch : seen.epochs()) {
            assertThat(Stream.of(now.epochs())
                            .flatMap(epochs -> epochs.valueStream())
                            .toList())
                    .as("%s: epoch %s", when, epoch.get("epoch"))
                    .contains(epoch);
        }
        for (JsonNode checkpoint : seen.checkpoints()) {
            JsonNode after = null;
            for (JsonNode candidate : now.checkpoints()) {
                if (candidate.get("step").equals(checkpoint.get("step"))) {
                    after = candidate;
                }
            }
            assertThat(after)
                    .as("%s: checkpoint at step %s", when, checkpoint.get("step"))
                    .isNotNull();
            assertThat(after.get("sha256")).isEqualTo(checkpoint.get("sha256"));
        }
        seen.rates()
                .forEach((step, rate) ->
                        assertThat(now.rates()).as("%s: step %d", when, step).containsEntry(step, rate));
    }
}
