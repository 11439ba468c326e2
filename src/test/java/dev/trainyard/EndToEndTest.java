package dev.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.ImageFolderFixture;
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
        ImageFolderFixture.write(DATA_DIR.resolve("datasets/fruit/train"), 20, 11);
        ImageFolderFixture.write(DATA_DIR.resolve("datasets/fruit/test"), 5, 12);
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
                 "schedule": {"type": "cosine-warmup", "baseLr": 0.01, "warmupEpochs": 1}}""";
        HttpResponse<String> created = alice.post("/api/v1/jobs", spec);
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();

        JsonNode done = alice.poll(
                location,
                Duration.ofMinutes(3),
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
        assertThat(done.at("/epochs/2/testAccuracy").asDouble())
                .as("learns above chance: %s", done.get("epochs"))
                .isGreaterThan(0.2);

        java.util.List<String> log = java.nio.file.Files.readAllLines(
                DATA_DIR.resolve("jobs").resolve(done.get("id").asString()).resolve("training.log"));
        assertThat(log).filteredOn(line -> line.contains(" epoch ")).hasSize(3);
        assertThat(log.get(log.size() - 1)).endsWith("SUCCEEDED");

        JsonNode metrics = alice.json(alice.get(location + "/metrics"));
        List<Double> trainedRates = new ArrayList<>();
        metrics.get("steps")
                .forEach(step -> trainedRates.add(step.get("learningRate").asDouble()));
        JsonNode preview = alice.json(alice.post("/api/v1/schedules/preview", """
                {"schedule": {"type": "cosine-warmup", "baseLr": 0.01, "warmupEpochs": 1}, "epochs": 3,
                 "batchSize": 20, "dataset": {"name": "cifar10", "trainLimit": 300}}"""));
        List<Double> previewedRates = new ArrayList<>();
        preview.get("points")
                .forEach(point -> previewedRates.add(point.get("lr").asDouble()));
        assertThat(trainedRates).hasSize(45).containsExactlyElementsOf(previewedRates);
        assertThat(trainedRates.get(0)).isEqualTo(0.0);
        assertThat(trainedRates.get(15)).isEqualTo(0.01);

        HttpResponse<byte[]> model = alice.getBytes(location + "/model");
        assertThat(model.statusCode()).isEqualTo(200);
        MultiLayerNetwork network =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model.body()), true);
        assertThat(network.numParams()).isEqualTo(159_498);
        assertThat(network.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape())
                .containsExactly(2, 10);

        JsonNode evaluation = alice.json(alice.get(location + "/evaluation"));
        assertThat(evaluation.get("split").asString()).isEqualTo("test");
        assertThat(evaluation.get("classes")).hasSize(10);
        int counted = 0;
        for (JsonNode row : evaluation.get("counts")) {
            for (JsonNode count : row) {
                counted += count.asInt();
            }
        }
        assertThat(counted).isEqualTo(80);
        assertThat(evaluation.get("accuracy").asDouble())
                .isEqualTo(done.at("/epochs/2/testAccuracy").asDouble());
        assertThat(alice.get(location + "/evaluation", "image/svg+xml").body())
                .startsWith("<svg")
                .contains("truck");
        assertThat(alice.get(location + "/metrics", "image/svg+xml").body())
                .startsWith("<svg")
                .contains("test accuracy");
        assertThat(done.at("/run/datasetFingerprint").asString()).hasSize(64);
        assertThat(done.at("/run/backend").asString()).isEqualTo("CPU");
        assertThat(done.at("/run/oneDnnHelpers").asBoolean()).isTrue();
        // where oneDNN cannot load here, the run falls back to DL4J's path and says so
        boolean onPath;
        try (var oneDnn = dev.trainyard.training.onednn.OneDnnLibrary.load()) {
            onPath = oneDnn.available();
        }
        assertThat(done.at("/run/convolutions/path").asString()).isEqualTo(onPath ? "trainyard-onednn" : "dl4j");
        assertThat(done.at("/run/convolutions/onPath").asInt()).isEqualTo(onPath ? 4 : 0);
        assertThat(done.at("/run/convolutions/layers").asInt()).isEqualTo(4);

        String scrape = new ApiClient(port, null)
                .get("/actuator/prometheus", "text/plain")
                .body();
        assertThat(scrape)
                .contains("trainyard_jobs_completed_total{state=\"SUCCEEDED\"}")
                .doesNotContain("job_id=\"" + done.get("id").asString() + "\"");
    }

    @Test
    void imageFolderJobLearnsItsClassesAndPredictsAKnownImage() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        HttpResponse<String> created = alice.post("/api/v1/jobs", """
                {"name": "fruit", "dataset": {"name": "imagefolder", "path": "fruit/train", "testPath": "fruit/test",
                 "validationFraction": 0.2}, "epochs": 8, "batchSize": 8, "seed": 5,
                 "schedule": {"type": "cosine-warmup", "baseLr": 0.05, "warmupEpochs": 1}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        byte[] redImage = solidPng(220, 40, 40);
        assertThat(postImage(location + "/predictions", redImage).statusCode()).isEqualTo(409);

        JsonNode done = alice.poll(
                location,
                Duration.ofMinutes(3),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));

        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/progress/stepsPerEpoch").asInt()).isEqualTo(6); // 48 of 60 images, batch 8
        assertThat(done.at("/epochs/7/validationAccuracy").asDouble()).isGreaterThan(0.6);
        assertThat(done.at("/run/validationImages").asInt()).isEqualTo(12);
        JsonNode checkpoints = alice.json(alice.get(location + "/checkpoints"));
        assertThat(checkpoints.size()).isBetween(1, 4);
        assertThat(checkpoints.get(checkpoints.size() - 1).get("sha256").asString())
                .hasSize(64);

        HttpResponse<String> predicted = postImage(location + "/predictions?top=2", redImage);
        assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
        JsonNode top = alice.json(predicted).get("predictions");
        assertThat(top).hasSize(2);
        assertThat(top.get(0).get("label").asString()).isEqualTo("apple");
        assertThat(top.get(0).get("probability").asDouble())
                .isGreaterThan(top.get(1).get("probability").asDouble());

        assertThat(postImage(location + "/predictions", "not an image".getBytes())
                        .statusCode())
                .isEqualTo(400);
        assertThat(alice.getBytes(location + "/model?which=best").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> postImage(String path, byte[] image) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + TestServer.ALICE)
                                .header("Content-Type", "image/png")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(image))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] solidPng(int red, int green, int blue) throws java.io.IOException {
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        graphics.setColor(new java.awt.Color(red, green, blue));
        graphics.fillRect(0, 0, 40, 30);
        graphics.dispose();
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    @Test
    void runningJobStopsWithinSecondsOfCancelAndItsSeriesGoAway() throws Exception {
        ApiClient bob = new ApiClient(port, TestServer.BOB);
        ApiClient scraper = new ApiClient(port, null);
        HttpResponse<String> created = bob.post("/api/v1/jobs", """
                {"name": "long", "epochs": 500, "batchSize": 8, "dataset": {"trainLimit": 300, "testLimit": 10},
                 "schedule": {"baseLr": 0.01, "warmupEpochs": 0}}""");
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = bob.json(created).get("id").asString();
        bob.poll(
                location, Duration.ofMinutes(2), job -> job.at("/progress/step").asLong() > 2);

        String during = scraper.get("/actuator/prometheus", "text/plain").body();
        assertThat(during)
                .contains(
                        "trainyard_training_learning_rate{job_id=\"" + id + "\"}",
                        "trainyard_training_loss{job_id=\"" + id + "\"}",
                        "trainyard_training_epoch{job_id=\"" + id + "\"}",
                        "trainyard_training_images_per_second{job_id=\"" + id + "\"}",
                        "trainyard_training_test_accuracy{job_id=\"" + id + "\"}",
                        "trainyard_jobs{state=\"running\"} 1.0",
                        "trainyard_training_step_seconds_bucket");

        HttpResponse<String> cancel = bob.post(location + "/cancel", "");
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode cancelled = bob.poll(
                location,
                Duration.ofSeconds(10),
                job -> job.get("state").asString().equals("CANCELLED"));
        assertThat(cancelled.at("/progress/step").asLong())
                .isLessThan(cancelled.at("/progress/totalSteps").asLong());
        assertThat(bob.post(location + "/cancel", "").statusCode()).isEqualTo(409);

        String after = scraper.get("/actuator/prometheus", "text/plain").body();
        assertThat(after).doesNotContain("job_id=\"" + id + "\"");
    }
}
