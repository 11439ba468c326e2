package dev.trainyard.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Augmentation;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.ImageDecoder;
import dev.trainyard.data.ImageProperties;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.Minibatches;
import dev.trainyard.training.CheckpointStore;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.ModelCard;
import dev.trainyard.training.Network;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model trained through the server and downloaded with {@code GET /jobs/{id}/model} loads in a user's own DL4J
 * program, run in a JVM whose class path holds DL4J but none of trainyard's classes, and predicts what
 * {@code /predictions} predicts for the same image.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DownloadedModelTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    /** Libraries of the test class path that DL4J does not use; left out so that they cannot help. */
    private static final List<String> NOT_DL4J = List.of(
            "/org/springframework/",
            "/io/micrometer/",
            "/org/apache/tomcat/",
            "/com/h2database/",
            "/org/postgresql/",
            "/org/flywaydb/",
            "/org/junit/",
            "/org/assertj/",
            "/org/mockito/",
            "/com/tngtech/",
            "/org/testcontainers/",
            "/io/swagger/",
            "/org/springdoc/",
            "/tools/jackson/",
            "/org/webjars/",
            "/org/awaitility/");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 20, 20, 7);
    }

    @LocalServerPort
    int port;

    @ParameterizedTest
    @CsvSource({"seednet, network, last", "seednet, network, best", "resnet20, graph, last", "lenet5, network, best"})
    void downloadedModelLoadsWithDl4jAloneAndPredictsWhatTheServerPredicts(String model, String kind, String which)
            throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        HttpResponse<String> created = alice.post("/api/v1/jobs", """
                {"model": "%s", "dataset": {"trainLimit": 60, "testLimit": 20, "validationFraction": 0.2},
                 "epochs": 2, "batchSize": 12, "seed": 4}""".formatted(model));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = alice.json(created).get("id").asString();
        JsonNode done = alice.poll(
                "/api/v1/jobs/" + id,
                Duration.ofMinutes(3),
                job -> job.get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"));
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        HttpResponse<byte[]> download = alice.getBytes("/api/v1/jobs/" + id + "/model?which=" + which);
        assertThat(download.statusCode()).isEqualTo(200);
        Path zip = Files.write(DATA_DIR.resolve(id + "-" + which + ".zip"), download.body());
        byte[] image = anImage();
        JsonNode served = alice.json(postImage("/api/v1/jobs/" + id + "/predictions?top=10", image));
        ModelCard card = JsonMapper.builder()
                .build()
                .readValue(
                        DATA_DIR.resolve("jobs")
                                .resolve(id)
                                .resolve("model-card.json")
                                .toFile(),
                        ModelCard.class);

        List<Double> plain = predictWithPlainDl4j(zip, kind, input(image, card));

        assertThat(plain).hasSize(10);
        if (which.equals("last")) {
            for (JsonNode prediction : served.get("predictions")) {
                int index = card.classes().indexOf(prediction.get("label").asString());
                assertThat(plain.get(index))
                        .as("probability of %s", prediction.get("label"))
                        .isCloseTo(prediction.get("probability").asDouble(), within(1e-6));
            }
        } else {
            float[] checkpointed = bestCheckpoint(alice, id, model)
                    .output(Nd4j.create(input(image, card), new long[] {1, 3, 32, 32}, DataType.FLOAT))
                    .data()
                    .asFloat();
            for (int c = 0; c < 10; c++) {
                assertThat(plain.get(c)).as("probability of class %d", c).isCloseTo(checkpointed[c], within(1e-6));
            }
        }
        assertThat(plain.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
    }

    /** The best checkpoint as trainyard itself restores it to resume training. */
    private static Network bestCheckpoint(ApiClient alice, String id, String model) throws IOException {
        for (JsonNode checkpoint : alice.json(alice.get("/api/v1/jobs/" + id + "/checkpoints"))) {
            if (checkpoint.get("best").asBoolean()) {
                Path file = DATA_DIR.resolve("jobs")
                        .resolve(id)
                        .resolve("checkpoints")
                        .resolve(CheckpointStore.fileName(checkpoint.get("step").asLong()));
                return ModelArchitecture.byId(model).orElseThrow().restore(file.toFile(), true);
            }
        }
        throw new AssertionError("no best checkpoint");
    }

    /** The normalised input the server feeds its model for {@code image}. */
    private static float[] input(byte[] image, ModelCard card) {
        LabeledImages decoded;
        try {
            decoded = new ImageDecoder(new ImageProperties(25_000_000)).decode(image, card.classes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Minibatches(decoded, 1, card.normalization(), Augmentation.NONE)
                .inOrder()
                .next()
                .getFeatures()
                .data()
                .asFloat();
    }

    private static List<Double> predictWithPlainDl4j(Path model, String kind, float[] input) throws Exception {
        Path folder = Files.createTempDirectory(DATA_DIR, "plain-dl4j");
        Path inputFile = folder.resolve("input.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(inputFile))) {
            for (float value : input) {
                out.writeFloat(value);
            }
        }
        Path classes = folder.resolve("classes");
        Path program = classes.resolve("dev/trainyard/portable/PlainDl4jModel.class");
        Files.createDirectories(program.getParent());
        Files.copy(
                Path.of(PlainDl4jModel.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .resolve("dev/trainyard/portable/PlainDl4jModel.class"),
                program);
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(entry ->
                                entry.endsWith(".jar") && NOT_DL4J.stream().noneMatch(entry::contains))
                        .collect(Collectors.joining(File.pathSeparator))
                + File.pathSeparator
                + classes;
        Process run = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classPath,
                        PlainDl4jModel.class.getName(),
                        model.toString(),
                        kind,
                        inputFile.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(classPath).doesNotContain("target/classes");
        List<Double> probabilities = new ArrayList<>();
        output.lines()
                .filter(line -> line.startsWith("p="))
                .forEach(line -> probabilities.add(Double.parseDouble(line.substring(2))));
        return probabilities;
    }

    private HttpResponse<String> postImage(String path, byte[] image) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + TestServer.ALICE)
                                .header("Content-Type", "image/png")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] anImage() throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(200, 60, 90));
        graphics.fillRect(0, 0, 40, 30);
        graphics.setColor(new Color(20, 160, 40));
        graphics.fillOval(5, 5, 20, 15);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
