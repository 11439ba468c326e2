package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainyard.ApiClient;
import dev.trainyard.ServerProcess;
import dev.trainyard.TestServer;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every write the API acknowledged with a 2xx survives SIGKILL at any moment after it: submissions, their
 * idempotency keys and cancels. Two clients write concurrently until the process is killed at a random moment; after
 * the restart every acknowledged write is checked. Requests in flight at the kill were not acknowledged, so they may
 * or may not have landed. Two servers, each on its own data, go through their trials side by side (a restart is
 * mostly one thread's class loading, so two use the machine's two cores). Seeded: a failing trial replays with the
 * same moments and requests.
 */
abstract class KillAfterAcknowledgedWritesContract {

    static final long SEED = 20_261_201L;
    static final int LANES = 2;
    static final int TRIALS_PER_LANE = 10;
    /** Kill moments are drawn from 0 to this many milliseconds after the trial's first acknowledged write. */
    static final int MAX_KILL_DELAY_MILLIS = 1500;

    private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();

    /** The datasource settings of the database under test for one lane, as {@code --key=value} arguments. */
    abstract List<String> databaseArguments(int lane);

    @AfterEach
    void stopServers() throws InterruptedException {
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAtRandomMoments() throws Exception {
        Random seeds = new Random(SEED);
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                Lane trials = new Lane(lane, seeds.nextLong());
                running.add(lanes.submit(() -> {
                    trials.run();
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        } finally {
            lanes.shutdownNow();
        }
    }

    /** What a client was told about one job. */
    private static final class Expected {
        final String name;
        final int epochs;
        volatile boolean cancelAcknowledged;
        volatile boolean cancelInFlight;

        Expected(String name, int epochs) {
            this.name = name;
            this.epochs = epochs;
        }
    }

    private record KeyedSubmission(String body, String jobId) {}

    /** One server's data directory and database, killed and restarted {@link #TRIALS_PER_LANE} times. */
    private final class Lane {

        private final int lane;
        private final Random random;
        private final Path dataDir = TestServer.newDataDir();
        private final Map<String, Expected> jobs = new ConcurrentHashMap<>();
        private final Map<String, KeyedSubmission> keys = new ConcurrentHashMap<>();
        private final List<Throwable> writerFailures = new CopyOnWriteArrayList<>();

        Lane(int lane, long seed) {
            this.lane = lane;
            this.random = new Random(seed);
        }

        private ServerProcess start() throws InterruptedException {
            List<String> arguments = new ArrayList<>(TestServer.arguments(dataDir, "0"));
            arguments.addAll(databaseArguments(lane));
            arguments.add("--trainyard.jobs.max-queued-per-owner=100000");
            ServerProcess server = ServerProcess.start(dataDir.resolve("server.log"), TestServer.ALICE, arguments);
            servers.add(server);
            return server;
        }

        void run() throws InterruptedException {
            ServerProcess server = start();
            for (int trial = 1; trial <= TRIALS_PER_LANE; trial++) {
                String name = "lane " + lane + " trial " + trial;
                long killDelay = random.nextInt(4) == 0 ? 0 : random.nextInt(MAX_KILL_DELAY_MILLIS + 1);
                List<String> keysThisTrial = new CopyOnWriteArrayList<>();
                AtomicBoolean killed = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int writer = 0; writer < 2; writer++) {
                    Random writes = new Random(random.nextLong());
                    String prefix = "l" + lane + "t" + trial + "w" + writer;
                    ApiClient client = server.client();
                    Thread thread = new Thread(() -> write(client, writes, prefix, killed, keysThisTrial), prefix);
                    thread.start();
                    writers.add(thread);
                }
                awaitFirstWrite("l" + lane + "t" + trial + "w");
                Thread.sleep(killDelay);
                server.kill();
                killed.set(true);
                for (Thread writer : writers) {
                    writer.join();
                }
                assertThat(writerFailures)
                        .as("%s: answers before the kill", name)
                        .isEmpty();

                server = start();
                verify(server.client(), name, keysThisTrial);
            }
        }

        private void awaitFirstWrite(String prefix) {
            await().atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> jobs.values().stream().anyMatch(job -> job.name.startsWith(prefix)));
        }

        /** Submits (some with an idempotency key) and cancels until the server dies. */
        private void write(
                ApiClient client, Random writes, String prefix, AtomicBoolean killed, List<String> keysThisTrial) {
            for (int n = 0; !killed.get(); n++) {
                try {
                    int choice = writes.nextInt(10);
                    if (choice < 3 && !jobs.isEmpty()) {
                        cancelOne(client, writes);
                    } else {
                        submit(client, writes, prefix + "-" + n, choice >= 7, keysThisTrial);
                    }
                    Thread.sleep(writes.nextInt(20));
                } catch (UncheckedIOException | IllegalStateException serverGone) {
                    return;
                } catch (AssertionError wrongAnswer) {
                    writerFailures.add(wrongAnswer);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void submit(ApiClient client, Random writes, String name, boolean keyed, List<String> keysThisTrial) {
            int epochs = 2 + writes.nextInt(50);
            String body = "{\"name\": \"" + name + "\", \"epochs\": " + epochs + "}";
            String key = "key-" + name;
            HttpResponse<String> response = keyed
                    ? client.post("/api/v1/jobs", body, "Idempotency-Key", key)
                    : client.post("/api/v1/jobs", body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            String id = client.json(response).get("id").asString();
            jobs.put(id, new Expected(name, epochs));
            if (keyed) {
                keys.put(key, new KeyedSubmission(body, id));
                keysThisTrial.add(key);
            }
        }

        private void cancelOne(ApiClient client, Random writes) {
            List<String> ids = new ArrayList<>(jobs.keySet());
            ids.sort(null);
            String id = ids.get(writes.nextInt(ids.size()));
            Expected job = jobs.get(id);
            job.cancelInFlight = true;
            HttpResponse<String> response = client.post("/api/v1/jobs/" + id + "/cancel", "");
            assertThat(response.statusCode()).as(response.body()).isIn(200, 409);
            job.cancelAcknowledged = true;
            job.cancelInFlight = false;
        }

        private void verify(ApiClient client, String trial, List<String> keysThisTrial) {
            Map<String, JsonNode> stored = listAll(client);
            for (Map.Entry<String, Expected> entry : jobs.entrySet()) {
                JsonNode job = stored.get(entry.getKey());
                Expected expected = entry.getValue();
                assertThat(job)
                        .as("%s: acknowledged job %s (%s) is gone after kill -9", trial, entry.getKey(), expected.name)
                        .isNotNull();
                assertThat(job.get("name").asString()).isEqualTo(expected.name);
                assertThat(job.at("/spec/epochs").asInt()).isEqualTo(expected.epochs);
                if (expected.cancelAcknowledged) {
                    assertThat(job.get("state").asString())
                            .as("%s: acknowledged cancel of %s", trial, entry.getKey())
                            .isEqualTo("CANCELLED");
                } else if (!expected.cancelInFlight) {
                    assertThat(job.get("state").asString())
                            .as("%s: %s", trial, entry.getKey())
                            .isEqualTo("QUEUED");
                }
            }
            List<String> replayed = new ArrayList<>(keysThisTrial);
            List<String> older = new ArrayList<>(keys.keySet());
            older.sort(null);
            for (int i = 0; i < 3 && !older.isEmpty(); i++) {
                replayed.add(older.get(random.nextInt(older.size())));
            }
            for (String key : replayed) {
                KeyedSubmission first = keys.get(key);
                HttpResponse<String> again = client.post("/api/v1/jobs", first.body(), "Idempotency-Key", key);
                assertThat(again.statusCode())
                        .as("%s: key %s: %s", trial, key, again.body())
                        .isEqualTo(201);
                assertThat(again.headers().firstValue("Idempotent-Replayed"))
                        .as("%s: key %s", trial, key)
                        .contains("true");
                assertThat(client.json(again).get("id").asString()).isEqualTo(first.jobId());
            }
        }
    }

    private static Map<String, JsonNode> listAll(ApiClient client) {
        Map<String, JsonNode> all = new ConcurrentHashMap<>();
        String cursor = null;
        do {
            JsonNode page =
                    client.json(client.get("/api/v1/jobs?limit=100" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("items").forEach(job -> all.put(job.get("id").asString(), job));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asString() : null;
        } while (cursor != null);
        return all;
    }
}
