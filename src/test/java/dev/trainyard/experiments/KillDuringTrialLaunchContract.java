package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.ServerProcess;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A server killed (SIGKILL) while it creates experiments and launches their trials loses no acknowledged experiment,
 * leaves none half-stored, and never creates a trial's job twice: after the restarts every experiment runs each of
 * its trials exactly once; retried with their Idempotency-Keys, the acknowledged creations answer the experiments
 * they created. Seeded kill moments: during the creating requests, then while trials launch and train.
 */
abstract class KillDuringTrialLaunchContract {

    private static final long SEED = 1_414L;
    private static final int TRIALS = 8;
    private static final int LAUNCH_KILLS = 4;
    private static final String EXPERIMENT = """
            {"base": {"epochs": 1, "batchSize": 10, "dataset": {"trainLimit": 20, "testLimit": 10,
                      "validationFraction": 0.25}, "schedule": {"type": "constant", "baseLr": 0.01}},
             "search": {"type": "grid", "parameters": {"seed": {"values": [1, 2, 3, 4, 5, 6, 7, 8]}}},
             "parallelism": 3}""";

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
        arguments.add("--trainyard.executor.max-attempts=20");
        ServerProcess server = ServerProcess.start(dataDir.resolve("server.log"), TestServer.ALICE, arguments);
        servers.add(server);
        return server;
    }

    @Test
    void killsWhileCreatingAndLaunchingLoseNothingAcknowledgedAndRunEveryTrialOnce() throws Exception {
        Cifar10Fixture.write(dataDir.resolve("datasets"), 20, 10, 4);
        Random random = new Random(SEED);
        ServerProcess server = start();

        List<String> acknowledged = new CopyOnWriteArrayList<>();
        Map<String, String> acknowledgedKeys = new ConcurrentHashMap<>();
        ApiClient creating = server.client();
        Thread creator = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                try {
                    HttpResponse<String> created =
                            creating.post("/api/v1/experiments", EXPERIMENT, "Idempotency-Key", "kill-" + i);
                    if (created.statusCode() == 201) {
                        String id = creating.json(created).get("id").asString();
                        acknowledged.add(id);
                        acknowledgedKeys.put("kill-" + i, id);
                    }
                    // paced, so the kill lands among the requests rather than after the last
                    Thread.sleep(50);
                } catch (UncheckedIOException | IllegalStateException killed) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        creator.start();
        // the first request warms the server up; the kill comes among the ones after it
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !acknowledged.isEmpty());
        Thread.sleep(random.nextInt(400));
        server.kill();
        creator.join();

        for (int kill = 1; kill <= LAUNCH_KILLS; kill++) {
            server = start();
            assertWhole(server.client(), acknowledged);
            if (kill == 1) {
                assertRetriesAnswerTheSameExperiments(server.client(), acknowledgedKeys);
            }
            Thread.sleep(500 + random.nextInt(2500));
            server.kill();
        }

        server = start();
        ApiClient client = server.client();
        List<String> all = experimentIds(client);
        assertThat(all).containsAll(acknowledged);
        for (String id : all) {
            JsonNode done = client.poll(
                    "/api/v1/experiments/" + id,
                    Duration.ofMinutes(5),
                    experiment -> experiment.get("state").asString().equals("COMPLETED"));
            Set<String> jobs = new HashSet<>();
            for (JsonNode trial : done.get("trials")) {
                assertThat(trial.get("state").asString()).as(trial.toString()).isEqualTo("SUCCEEDED");
                assertThat(jobs.add(trial.get("job").asString())).isTrue();
            }
            assertThat(jobs).hasSize(TRIALS);
        }
        Map<String, Set<Integer>> trialsByExperiment = new HashMap<>();
        int jobs = 0;
        for (JsonNode job : allJobs(client)) {
            jobs++;
            String experiment = job.get("trial").get("experiment").asString();
            assertThat(trialsByExperiment
                            .computeIfAbsent(experiment, key -> new HashSet<>())
                            .add(job.get("trial").get("number").asInt()))
                    .as("trial %s of %s has one job", job.get("trial").get("number"), experiment)
                    .isTrue();
        }
        assertThat(jobs).isEqualTo(TRIALS * all.size());
    }

    /** A client that retries its acknowledged creations after the crash gets the experiments it was answered. */
    private static void assertRetriesAnswerTheSameExperiments(ApiClient client, Map<String, String> keys) {
        keys.forEach((key, id) -> {
            HttpResponse<String> again = client.post("/api/v1/experiments", EXPERIMENT, "Idempotency-Key", key);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(client.json(again).get("id").asString()).isEqualTo(id);
        });
    }

    /** Every acknowledged experiment is there with all its trials. */
    private static void assertWhole(ApiClient client, List<String> acknowledged) {
        for (String id : acknowledged) {
            HttpResponse<String> answer = client.get("/api/v1/experiments/" + id);
            assertThat(answer.statusCode()).as("acknowledged experiment %s", id).isEqualTo(200);
            assertThat(client.json(answer).get("trials")).hasSize(TRIALS);
        }
        for (String id : experimentIds(client)) {
            assertThat(client.json(client.get("/api/v1/experiments/" + id)).get("trials"))
                    .as("experiment %s is whole", id)
                    .hasSize(TRIALS);
        }
    }

    private static List<String> experimentIds(ApiClient client) {
        List<String> ids = new ArrayList<>();
        client.json(client.get("/api/v1/experiments?limit=100"))
                .get("items")
                .forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    private static List<JsonNode> allJobs(ApiClient client) {
        List<JsonNode> jobs = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page =
                    client.json(client.get("/api/v1/jobs?limit=100" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("items").forEach(jobs::add);
            cursor = page.has("nextCursor") ? page.get("nextCursor").asString() : null;
        } while (cursor != null);
        return jobs;
    }
}
