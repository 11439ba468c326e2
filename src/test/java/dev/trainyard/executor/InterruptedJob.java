package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The job the crash tests interrupt: 4 epochs of 100 steps on the CIFAR-10 fixture (200 images per training file),
 * and what must hold once a second attempt finishes it: one continuous record at the preview's learning rates.
 */
final class InterruptedJob {

    static final String SPEC = """
            {"epochs": 4, "batchSize": 10, "seed": 3, "dataset": {"trainLimit": 1000, "testLimit": 40},
             "schedule": {"baseLr": 0.05, "warmupEpochs": 1}}""";

    /** Mid-epoch 2: one epoch-end checkpoint exists, and steps after it have been recorded. */
    static final long INTERRUPT_AT_STEP = 130;

    private InterruptedJob() {}

    /** Waits for the job to end, and checks it succeeded on attempt 2 exactly as an uninterrupted run would have. */
    static JsonNode assertFinishedAsIfUninterrupted(ApiClient client, String id) throws InterruptedException {
        return assertFinishedAsIfUninterrupted(client, id, 2);
    }

    /** As {@link #assertFinishedAsIfUninterrupted(ApiClient, String)}, on attempt {@code attempt}. */
    static JsonNode assertFinishedAsIfUninterrupted(ApiClient client, String id, int attempt)
            throws InterruptedException {
        JsonNode done = client.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(3),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempt").asInt()).isEqualTo(attempt);
        assertThat(done.get("epochs"))
                .extracting(epoch -> epoch.get("epoch").asInt())
                .containsExactly(1, 2, 3, 4);

        JsonNode steps =
                client.json(client.get("/api/v1/jobs/" + id + "/metrics")).get("steps");
        JsonNode preview = client.json(client.post("/api/v1/schedules/preview", """
                {"schedule": {"baseLr": 0.05, "warmupEpochs": 1}, "epochs": 4, "stepsPerEpoch": 100}"""));
        assertThat(steps).hasSize(400);
        for (int s = 0; s < 400; s++) {
            assertThat(steps.get(s).get("step").asLong()).isEqualTo(s);
            assertThat(steps.get(s).get("learningRate").asDouble())
                    .as("rate of step %d", s)
                    .isEqualTo(preview.at("/points/" + s + "/lr").asDouble());
        }
        return done;
    }
}
