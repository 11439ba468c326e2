package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.ServerProcess;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.Sha256;
import dev.trainyard.system.TrainyardProperties;
import dev.trainyard.training.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Deleting is crash-safe: a server killed (SIGKILL) while it deletes jobs leaves each job either whole (its results,
 * checkpoints with intact files, model) or gone from the API, and the files of a deletion it did not finish are swept
 * when it starts again. Seeded kill moments, plus the two crash points made exactly: between the job's rows and its
 * folder, and in the middle of removing the folder.
 */
class KillDuringDeletionTest {

    private static final long SEED = 4_242L;
    private static final int TRIALS = 3;
    private static final int JOBS_PER_TRIAL = 4;

    private final Path dataDir = TestServer.newDataDir();
    private final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    private ServerProcess start() throws InterruptedException {
        ServerProcess server = ServerProcess.start(
                dataDir.resolve("server.log"), TestServer.ALICE, TestServer.arguments(dataDir, "1"));
        servers.add(server);
        return server;
    }

    @Test
    void killedWhileDeletingEachJobIsWholeOrGoneAndLeftoversAreSwept() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 20, 20, 9);
        Random random = new Random(SEED);
        ServerProcess server = start();
        for (int trial = 1; trial <= TRIALS; trial++) {
            List<String> ids = trainJobs(server.client(), JOBS_PER_TRIAL);
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            ApiClient client = server.client();
            Thread deleting = new Thread(() -> {
                for (String id : ids) {
                    try {
                        if (client.delete("/api/v1/jobs/" + id).statusCode() == 204) {
                            acknowledged.add(id);
                        }
                    } catch (UncheckedIOException | IllegalStateException killed) {
                        return;
                    }
                }
            });
            deleting.start();
            Thread.sleep(random.nextInt(40));
            server.kill();
            deleting.join();

            server = start();
            for (String id : ids) {
                HttpResponse<String> job = server.client().get("/api/v1/jobs/" + id);
                if (acknowledged.contains(id)) {
                    assertThat(job.statusCode())
                            .as("trial %d: acknowledged deletion of %s", trial, id)
                            .isEqualTo(404);
                }
                if (job.statusCode() == 200) {
                    assertWhole(server.client(), id);
                } else {
                    assertThat(job.statusCode()).isEqualTo(404);
                    awaitSwept(id);
                }
            }
        }
    }

    @Test
    void aDeletionInterruptedBetweenTheRowsAndTheFolderOrInsideTheFolderIsFinishedOnStart() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 20, 20, 9);
        ServerProcess server = start();
        List<String> ids = trainJobs(server.client(), 3);
        server.kill();
        // crash point 1: the rows are gone, the folder is still in place
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("trainyard"), "sa", "");
                PreparedStatement delete = h2.prepareStatement("delete from jobs where id = ?")) {
            delete.setString(1, ids.get(0));
            assertThat(delete.executeUpdate()).isOne();
        }
        // crash point 2: the folder was renamed out of the way and partly removed
        Path renamed = new DataDirectory(new TrainyardProperties(dataDir)).deleting(UUID.fromString(ids.get(1)));
        Files.move(dataDir.resolve("jobs").resolve(ids.get(1)), renamed);
        Files.delete(renamed.resolve("training.log"));

        server = start();

        assertThat(server.client().get("/api/v1/jobs/" + ids.get(0)).statusCode())
                .isEqualTo(404);
        awaitSwept(ids.get(0));
        awaitSwept(ids.get(1));
        assertWhole(server.client(), ids.get(2));
    }

    private static List<String> trainJobs(ApiClient client, int count) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> created = client.post("/api/v1/jobs", """
                    {"epochs": 2, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10},
             "seed": 1, "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
            ids.add(client.json(created).get("id").asString());
        }
        for (String id : ids) {
            JsonNode done = client.poll(
                    "/api/v1/jobs/" + id,
                    Duration.ofMinutes(2),
                    job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
            assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        }
        return ids;
    }

    /** Everything the job had: its epochs, its checkpoints with their files, its model and evaluation. */
    private void assertWhole(ApiClient client, String id) throws IOException {
        JsonNode job = client.json(client.get("/api/v1/jobs/" + id));
        assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("epochs")).hasSize(2);
        JsonNode checkpoints = client.json(client.get("/api/v1/jobs/" + id + "/checkpoints"));
        assertThat(checkpoints).isNotEmpty();
        for (JsonNode checkpoint : checkpoints) {
            Path file = dataDir.resolve("jobs")
                    .resolve(id)
                    .resolve("checkpoints")
                    .resolve(CheckpointStore.fileName(checkpoint.get("step").asLong()));
            assertThat(Sha256.hex(file)).isEqualTo(checkpoint.get("sha256").asString());
        }
        assertThat(client.getBytes("/api/v1/jobs/" + id + "/model").statusCode())
                .isEqualTo(200);
        assertThat(client.get("/api/v1/jobs/" + id + "/evaluation").statusCode())
                .isEqualTo(200);
    }

    private void awaitSwept(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> entries = Files.list(dataDir.resolve("jobs"))) {
                return entries.noneMatch(entry -> entry.getFileName().toString().contains(id));
            }
        });
    }
}
