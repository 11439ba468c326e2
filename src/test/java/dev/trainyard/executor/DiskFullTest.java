package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.TrainyardApplication;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.system.Sha256;
import dev.trainyard.training.CheckpointStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A real full disk: the data directory on a 16 MB tmpfs (mounted by the test, which needs root; skipped elsewhere),
 * the database beside it. A job does not start while less than {@code trainyard.storage.min-free} is free and says
 * why; a checkpoint that finds no space fails the job with {@code disk_full} and keeps the last good checkpoint; once
 * space is free, a retry resumes from it and finishes.
 */
class DiskFullTest {

    private static final String JOB = """
            {"epochs": 3, "batchSize": 10, "seed": 2, "dataset": {"trainLimit": 1000, "testLimit": 40},
             "schedule": {"baseLr": 0.02, "warmupEpochs": 1}}""";

    private final Path root = TestServer.newDataDir();
    private final Path dataDir = root.resolve("data");
    private final List<Path> fillers = new ArrayList<>();
    private ConfigurableApplicationContext server;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        Files.createDirectories(dataDir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dataDir.toString())
                .redirectErrorStream(true)
                .start();
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeTrue(
                mounted,
                "mounting a tmpfs needs root: "
                        + new String(mount.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", "-l", dataDir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private ApiClient start() {
        List<String> arguments = new ArrayList<>(TestServer.arguments(dataDir, "1"));
        arguments.addAll(List.of(
                "--server.port=0",
                "--trainyard.storage.min-free=4MB",
                "--spring.datasource.url=jdbc:h2:file:" + root.resolve("database/trainyard")));
        server = new SpringApplicationBuilder(TrainyardApplication.class).run(arguments.toArray(String[]::new));
        return new ApiClient(
                ((WebServerApplicationContext) server).getWebServer().getPort(), TestServer.ALICE);
    }

    /** Fills the disk until at most {@code leaveFree} bytes are free (0: until a write fails). */
    private void fill(long leaveFree) throws IOException {
        Path filler = dataDir.resolve("filler-" + fillers.size());
        fillers.add(filler);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (Files.getFileStore(dataDir).getUsableSpace() > leaveFree + block.length) {
                out.write(block);
                out.flush();
            }
            if (leaveFree == 0) {
                while (true) {
                    out.write(block, 0, 512);
                    out.flush();
                }
            }
        } catch (IOException full) {
            if (leaveFree > 0) {
                throw full;
            }
        }
    }

    private void freeFillers() throws IOException {
        for (Path filler : fillers) {
            Files.deleteIfExists(filler);
        }
        fillers.clear();
    }

    @Test
    void noStartWithoutSpaceThenDiskFullKeepsTheCheckpointAndARetryResumesFromIt() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 200, 40, 6);
        ApiClient alice = start();

        fill(3 * 1024 * 1024);
        String id = alice.json(alice.post("/api/v1/jobs", JOB)).get("id").asString();
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> alice.json(alice.get("/api/v1/jobs/" + id))
                        .get("state")
                        .asString()
                        .equals("QUEUED"));
        JsonNode waiting = alice.json(alice.get("/api/v1/jobs/" + id));
        assertThat(waiting.get("waitingFor").asString())
                .contains("disk space", "trainyard.storage.min-free")
                .doesNotContain(dataDir.toString());

        freeFillers();
        JsonNode firstCheckpoint = alice.poll(
                        "/api/v1/jobs/" + id + "/checkpoints",
                        Duration.ofMinutes(1),
                        checkpoints -> checkpoints.size() == 1)
                .get(0);
        fill(0);

        JsonNode failed = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(1),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(failed.get("state").asString()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.at("/error/code").asString()).isEqualTo("disk_full");
        assertThat(failed.at("/error/message").asString())
                .contains("/api/v1/jobs/" + id + "/retry")
                .doesNotContain(dataDir.toString());
        JsonNode kept = alice.json(alice.get("/api/v1/jobs/" + id + "/checkpoints"));
        assertThat(kept).containsExactly(firstCheckpoint);
        Path file = dataDir.resolve("jobs")
                .resolve(id)
                .resolve("checkpoints")
                .resolve(CheckpointStore.fileName(firstCheckpoint.get("step").asLong()));
        assertThat(Sha256.hex(file)).isEqualTo(firstCheckpoint.get("sha256").asString());

        freeFillers();
        assertThat(alice.post("/api/v1/jobs/" + id + "/retry", "").statusCode()).isEqualTo(200);
        JsonNode done = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(2),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("epochs"))
                .extracting(epoch -> epoch.get("epoch").asInt())
                .containsExactly(1, 2, 3);
        assertThat(Files.readString(dataDir.resolve("jobs").resolve(id).resolve("training.log")))
                .contains("resuming at step " + firstCheckpoint.get("step").asLong());
        assertThat(alice.post("/api/v1/jobs/" + id + "/retry", "").statusCode()).isEqualTo(409);
    }
}
