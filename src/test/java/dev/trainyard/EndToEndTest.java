package dev.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.data.Cifar10Fixture;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The real server on a random port, training for real on a generated CIFAR-10-format fixture. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EndToEndTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 60, 100, 7);
    }

    @LocalServerPort
    int port;

    @Test
    void jobTrainsToSucceededWithThePreviewedRatesAndADownloadableModel() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        String spec = """
                {"name": "e2e", "model": "seednet", "dataset": {"name": "cifar10", "trainLimit": 300, "testLimit": 80},
                 "epochs": 3, "batchSize": 20, "seed": 11,
                 "optimizer": {"type": "sgd", "momentum": 0.9, "nesterov": true, "weightDecay": 0.0005},
                 "schedule": {"type": "cosine-warmup", "baseLr": 0.05, "warmupEpochs": 1}}""";
        HttpResponse<String> created = alice.post("/api/v1/jobs", spec);
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();

        JsonNode done = alice.poll(location, Duration.ofMinutes(3),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));

        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/progress/stepsPerEpoch").asInt()).isEqualTo(15); // 300 / 20
        assertThat(done.at("/progress/totalSteps").asInt()).isEqualTo(45);
        assertThat(done.at("/progress/step").asInt()).isEqualTo(45);
        assertThat(done.get("epochs")).hasSize(3);
        for (JsonNode epoch : done.get("epochs")) {
            assertThat(epoch.get("testAccuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(epoch.get("testLoss").asDouble()).isPositive();
        }
        assertThat(done.at("/epochs/2/testAccuracy").asDouble()).as("learns above chance").isGreaterThan(0.2);

        java.util.List<String> log = java.nio.file.Files.readAllLines(
                DATA_DIR.resolve("jobs").resolve(done.get("id").asString()).resolve("training.log"));
        assertThat(log).filteredOn(line -> line.contains(" epoch ")).hasSize(3);
        assertThat(log.get(log.size() - 1)).endsWith("SUCCEEDED");

        JsonNode metrics = alice.json(alice.get(location + "/metrics"));
        List<Double> trainedRates = new ArrayList<>();
        metrics.get("steps").forEach(step -> trainedRates.add(step.get("learningRate").asDouble()));
        JsonNode preview = alice.json(alice.post("/api/v1/schedules/preview", """
                {"schedule": {"type": "cosine-warmup", "baseLr": 0.05, "warmupEpochs": 1}, "epochs": 3,
                 "batchSize": 20, "dataset": {"name": "cifar10", "trainLimit": 300}}"""));
        List<Double> previewedRates = new ArrayList<>();
        preview.get("points").forEach(point -> previewedRates.add(point.get("lr").asDouble()));
        assertThat(trainedRates).hasSize(45).containsExactlyElementsOf(previewedRates);
        assertThat(trainedRates.get(0)).isEqualTo(0.0);
        assertThat(trainedRates.get(15)).isEqualTo(0.05);

        HttpResponse<byte[]> model = alice.getBytes(location + "/model");
        assertThat(model.statusCode()).isEqualTo(200);
        MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(model.body()), true);
        assertThat(network.numParams()).isEqualTo(159_498);
        assertThat(network.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape()).containsExactly(2, 10);

        String scrape = new ApiClient(port, null).get("/actuator/prometheus", "text/plain").body();
        assertThat(scrape).contains("trainyard_jobs_completed_total{state=\"SUCCEEDED\"}")
                .doesNotContain("job_id=\"" + done.get("id").asString() + "\"");
    }

    @Test
    void runningJobStopsWithinSecondsOfCancelAndItsSeriesGoAway() throws Exception {
        ApiClient bob = new ApiClient(port, TestServer.BOB);
        ApiClient scraper = new ApiClient(port, null);
        HttpResponse<String> created = bob.post("/api/v1/jobs", """
                {"name": "long", "epochs": 500, "batchSize": 8, "dataset": {"trainLimit": 300, "testLimit": 10}}""");
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = bob.json(created).get("id").asString();
        bob.poll(location, Duration.ofMinutes(2), job -> job.at("/progress/step").asLong() > 2);

        String during = scraper.get("/actuator/prometheus", "text/plain").body();
        assertThat(during).contains("trainyard_training_learning_rate{job_id=\"" + id + "\"}",
                "trainyard_training_loss{job_id=\"" + id + "\"}",
                "trainyard_training_epoch{job_id=\"" + id + "\"}",
                "trainyard_training_images_per_second{job_id=\"" + id + "\"}",
                "trainyard_training_test_accuracy{job_id=\"" + id + "\"}",
                "trainyard_jobs{state=\"running\"} 1.0",
                "trainyard_training_step_seconds_bucket");

        HttpResponse<String> cancel = bob.post(location + "/cancel", "");
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode cancelled = bob.poll(location, Duration.ofSeconds(10),
                job -> job.get("state").asString().equals("CANCELLED"));
        assertThat(cancelled.at("/progress/step").asLong()).isLessThan(cancelled.at("/progress/totalSteps").asLong());
        assertThat(bob.post(location + "/cancel", "").statusCode()).isEqualTo(409);

        String after = scraper.get("/actuator/prometheus", "text/plain").body();
        assertThat(after).doesNotContain("job_id=\"" + id + "\"");
    }
}
