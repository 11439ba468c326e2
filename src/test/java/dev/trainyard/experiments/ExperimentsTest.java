package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.ImageFolderFixture;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Experiments end to end on the real server (random port, one slot) training a generated dataset: a sweep with ASHA
 * runs to its end, its trials are ordinary jobs that know their experiment, the comparison and the trial table hold
 * every trial, and bad experiments are refused whole.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentsTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    /** Six trials: three that learn (peak rate 0.02) and three that barely move (1e-5), three seeds each. */
    static final String SWEEP = """
            {"name": "rate sweep",
             "base": {"epochs": 6, "batchSize": 10,
                      "dataset": {"trainLimit": 100, "testLimit": 10, "validationFraction": 0.2},
                      "schedule": {"type": "cosine-warmup", "warmupEpochs": 1}},
             "search": {"type": "grid", "parameters": {"schedule.baseLr": {"values": [0.02, 0.00001]},
                                                       "seed": {"values": [1, 2, 3]}}},
             "parallelism": 2,
             "earlyStopping": {"rule": "asha", "minEpochs": 2, "reductionFactor": 2}}""";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 20, 10, 3);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private ApiClient alice() {
        return new ApiClient(port, TestServer.ALICE);
    }

    private JsonNode create(String spec) {
        HttpResponse<String> created = alice().post("/api/v1/experiments", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).startsWith("/api/v1/experiments/"));
        return alice().json(created);
    }

    /** What the trials' jobs failed with, for an assertion's message. */
    private List<String> jobErrors(String experiment) {
        return jdbc.sql("select trial || ': ' || error_code || ' ' || error_message from jobs"
                        + " where experiment_id = :id and error_code is not null order by trial")
                .param("id", experiment)
                .query(String.class)
                .list();
    }

    private JsonNode awaitEnd(String id) throws InterruptedException {
        return alice().poll(
                        "/api/v1/experiments/" + id,
                        Duration.ofMinutes(5),
                        experiment -> !experiment.get("state").asString().equals("RUNNING"));
    }

    @Test
    void aSweepWithAshaRunsToItsEndAndStoppedTrialsUsedFewerEpochs() throws Exception {
        JsonNode created = create(SWEEP);
        String id = created.get("id").asString();
        assertThat(created.get("trials")).hasSize(6);
        assertThat(created.get("spec").get("seed").isNumber()).isTrue();
        assertThat(created.get("trialStates").get("QUEUED").asInt()).isEqualTo(2);
        assertThat(created.get("trialStates").get("PENDING").asInt()).isEqualTo(4);

        JsonNode done = awaitEnd(id);
        assertThat(done.get("state").asString()).isEqualTo("COMPLETED");
        List<JsonNode> trials = new ArrayList<>();
        done.get("trials").forEach(trials::add);
        int stopped = 0;
        for (JsonNode trial : trials) {
            String state = trial.get("state").asString();
            assertThat(state)
                    .as(
                            "%s: %s",
                            trial,
                            alice().get("/api/v1/jobs/" + trial.get("job").asString())
                                    .body())
                    .isIn("SUCCEEDED", "STOPPED");
            if (state.equals("STOPPED")) {
                stopped++;
                assertThat(trial.get("epochs").asInt()).as(trial.toString()).isLessThan(6);
                assertThat(trial.get("stoppedBecause").asString()).startsWith("ASHA rung at epoch ");
            } else {
                assertThat(trial.get("epochs").asInt()).isEqualTo(6);
            }
            assertThat(trial.get("rank").asInt()).isBetween(1, 6);
        }
        assertThat(trials.get(0).get("state").asString())
                .as("the first trial at every rung goes on")
                .isEqualTo("SUCCEEDED");
        // the trials at 1e-5 barely learn: at least one falls behind at a rung
        assertThat(stopped).isPositive();
        JsonNode best = done.get("best");
        assertThat(best.get("parameters").get("schedule.baseLr").asDouble()).isEqualTo(0.02);
        assertThat(best.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(best.get("rank").asInt())
                .isEqualTo(trials.stream()
                        .filter(trial -> trial.get("state").asString().equals("SUCCEEDED"))
                        .mapToInt(trial -> trial.get("rank").asInt())
                        .min()
                        .orElseThrow());

        // a trial is an ordinary job that knows its experiment; a stopped one kept its checkpoints
        for (JsonNode trial : trials) {
            JsonNode job =
                    alice().json(alice().get("/api/v1/jobs/" + trial.get("job").asString()));
            assertThat(job.get("trial").get("experiment").asString()).isEqualTo(id);
            assertThat(job.get("trial").get("number").asInt())
                    .isEqualTo(trial.get("trial").asInt());
            assertThat(job.get("state").asString()).isEqualTo(trial.get("state").asString());
            assertThat(job.get("spec").get("name").asString())
                    .isEqualTo("rate sweep trial " + trial.get("trial").asInt());
            if (job.get("state").asString().equals("STOPPED")) {
                assertThat(job.get("stoppedBecause").asString())
                        .isEqualTo(trial.get("stoppedBecause").asString());
                assertThat(alice().json(alice().get(
                                        "/api/v1/jobs/" + trial.get("job").asString() + "/checkpoints")))
                        .isNotEmpty();
            }
        }

        JsonNode comparison = alice().json(alice().get("/api/v1/experiments/" + id + "/comparison"));
        assertThat(comparison.get("trials")).hasSize(6);
        assertThat(comparison.get("best").asInt()).isEqualTo(best.get("trial").asInt());
        for (JsonNode trial : comparison.get("trials")) {
            int epochs = trial.get("epochs").size();
            assertThat(epochs)
                    .isEqualTo(
                            trials.get(trial.get("trial").asInt()).get("epochs").asInt());
            // 8 steps per epoch (80 training images in batches of 10), every one recorded with its rate
            assertThat(trial.get("learningRates").get("steps").size()).isGreaterThanOrEqualTo(8 * epochs);
            assertThat(trial.get("learningRates").get("values").size())
                    .isEqualTo(trial.get("learningRates").get("steps").size());
            double peak = 0;
            for (JsonNode rate : trial.get("learningRates").get("values")) {
                peak = Math.max(peak, rate.asDouble());
            }
            // the warmup's last step reaches the trial's own peak rate, the value its search gave it
            assertThat(peak)
                    .isCloseTo(
                            trial.get("parameters").get("schedule.baseLr").asDouble(),
                            org.assertj.core.data.Offset.offset(1e-12));
        }

        JsonNode thinned = alice().json(alice().get("/api/v1/experiments/" + id + "/comparison?points=3"));
        for (int trial = 0; trial < 6; trial++) {
            JsonNode all = comparison.get("trials").get(trial).get("learningRates");
            JsonNode few = thinned.get("trials").get(trial).get("learningRates");
            assertThat(few.get("steps").size()).isEqualTo(3);
            assertThat(few.get("steps").get(2))
                    .isEqualTo(all.get("steps").get(all.get("steps").size() - 1));
            assertThat(few.get("values").get(0)).isEqualTo(all.get("values").get(0));
        }
        HttpResponse<String> noPoints = alice().get("/api/v1/experiments/" + id + "/comparison?points=0");
        assertThat(noPoints.statusCode()).isEqualTo(400);
        assertThat(alice().json(noPoints).at("/errors/0/field").asString()).isEqualTo("points");

        HttpResponse<String> svg = alice().get("/api/v1/experiments/" + id + "/comparison", "image/svg+xml");
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("image/svg+xml"));
        DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (int trial = 0; trial < 6; trial++) {
            assertThat(svg.body()).contains("trial " + trial);
        }
        assertThat(svg.body()).contains("trial " + best.get("trial").asInt() + " (best)");

        HttpResponse<String> csv = alice().get("/api/v1/experiments/" + id + "/trials", "text/csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        List<String> rows = csv.body().lines().toList();
        assertThat(rows.get(0)).isEqualTo("trial,job,state,epochs,objective,rank,schedule.baseLr,seed,stopped_because");
        assertThat(rows).hasSize(7);

        HttpResponse<byte[]> model = alice().getBytes("/api/v1/experiments/" + id + "/model");
        assertThat(model.statusCode()).isEqualTo(200);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(model.body()))) {
            assertThat(zip.getNextEntry()).isNotNull();
        }

        String scrape = new ApiClient(port, null)
                .get("/actuator/prometheus", "text/plain")
                .body();
        assertThat(scrape).contains("trainyard_experiments{state=\"completed\"}");
        assertThat(scrape).contains("trainyard_experiment_trials{state=\"pending\"}");
        assertThat(scrape).contains("trainyard_jobs_completed_total{state=\"STOPPED\"}");
        assertThat(scrape).doesNotContain("experiment_id");

        for (JsonNode trial : trials) {
            assertThat(DATA_DIR.resolve("jobs").resolve(trial.get("job").asString()))
                    .isDirectory();
        }
        assertThat(alice().delete("/api/v1/experiments/" + id).statusCode()).isEqualTo(204);
        for (JsonNode trial : trials) {
            assertThat(DATA_DIR.resolve("jobs").resolve(trial.get("job").asString()))
                    .as("the trained trial's folder is deleted with the experiment")
                    .doesNotExist();
        }
    }

    @Test
    void cancellingAnExperimentCancelsItsTrialsAndLaunchesNoMore() throws Exception {
        JsonNode created = create("""
                {"base": {"epochs": 200, "batchSize": 10, "dataset": {"trainLimit": 100, "validationFraction": 0.2}},
                 "search": {"type": "random", "parameters": {"optimizer.momentum": {"distribution": "uniform",
                            "min": 0.8, "max": 0.95}}},
                 "maxTrials": 4, "parallelism": 2}""");
        String id = created.get("id").asString();
        HttpResponse<String> cancelled = alice().post("/api/v1/experiments/" + id + "/cancel", "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(alice().json(cancelled).get("state").asString()).isEqualTo("CANCELLED");
        JsonNode settled = alice().poll("/api/v1/experiments/" + id, Duration.ofMinutes(2), experiment -> {
            for (JsonNode trial : experiment.get("trials")) {
                if (trial.get("state").asString().matches("QUEUED|RUNNING")) {
                    return false;
                }
            }
            return true;
        });
        List<String> states = new ArrayList<>();
        settled.get("trials").forEach(trial -> states.add(trial.get("state").asString()));
        assertThat(states)
                .as("trials %s, job errors %s", settled.get("trials"), jobErrors(id))
                .containsExactly("CANCELLED", "CANCELLED", "NOT_RUN", "NOT_RUN");
        assertThat(alice().post("/api/v1/experiments/" + id + "/cancel", "").statusCode())
                .isEqualTo(409);
        assertThat(alice().getBytes("/api/v1/experiments/" + id + "/model").statusCode())
                .isEqualTo(409);
        assertThat(jdbc.sql("select count(*) from jobs where experiment_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void theWarmupStudyExampleGivesTwelveTrialsOfFourSchedulesAtOnePeakRate() throws Exception {
        ImageFolderFixture.write(DATA_DIR.resolve("datasets/cifar10-jpg/train"), 4, 1);
        JsonNode created = create(Files.readString(Path.of("examples/warmup-study.json")));
        String id = created.get("id").asString();
        assertThat(alice().post("/api/v1/experiments/" + id + "/cancel", "").statusCode())
                .isEqualTo(200);
        assertThat(created.get("trials")).hasSize(12);
        Set<String> schedules = new HashSet<>();
        for (JsonNode trial : created.get("trials")) {
            JsonNode schedule = trial.get("parameters").get("schedule");
            assertThat(schedule.get("baseLr").asDouble()).isEqualTo(0.05);
            schedules.add(schedule.get("type").asString() + "/"
                    + (schedule.has("warmupEpochs")
                            ? schedule.get("warmupEpochs").asInt()
                            : 0));
        }
        assertThat(schedules).containsExactlyInAnyOrder("constant/0", "cosine/0", "cosine-warmup/1", "cosine-warmup/5");
    }

    @Test
    void anotherOwnerSeesNoneOfIt() {
        String id = create("""
                {"base": {"epochs": 1, "dataset": {"trainLimit": 10, "validationFraction": 0.2},
                          "schedule": {"type": "constant"}},
                 "search": {"type": "grid", "parameters": {"seed": {"values": [1]}}}}""").get("id").asString();
        ApiClient bob = alice().as(TestServer.BOB);
        for (String path : List.of("", "/comparison", "/trials", "/model")) {
            HttpResponse<String> answer = bob.get("/api/v1/experiments/" + id + path, "*/*");
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("alice");
        }
        assertThat(bob.post("/api/v1/experiments/" + id + "/cancel", "").statusCode())
                .isEqualTo(404);
        assertThat(bob.json(bob.get("/api/v1/experiments")).get("items")).isEmpty();
        assertThat(alice().as(TestServer.ROOT).get("/api/v1/experiments/" + id).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTrialThatWouldBeRefusedRefusesTheWholeExperimentNamingTheTrialAndField() {
        long before = experiments();
        HttpResponse<String> refused = alice().post("/api/v1/experiments", """
                {"base": {"epochs": 3, "dataset": {"validationFraction": 0.2}},
                 "search": {"type": "grid", "parameters": {"batchSize": {"values": [32, 9000]}}}}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = alice().json(refused);
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("trials[1].batchSize");
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(experiments()).isEqualTo(before);
    }

    @Test
    void pathsThatNameNoSpecFieldAndUnknownFieldsAnswer400AndStoreNothing() {
        long before = experiments();
        assertProblem("""
                {"base": {"epochs": 3}, "search": {"type": "grid",
                 "parameters": {"schedule.learningRate": {"values": [0.1]}}}}""", "search.parameters.schedule.learningRate", "names no job spec field");
        assertProblem("""
                {"base": {"epochs": 3}, "search": {"type": "grid", "parameters": {"epochs.x": {"values": [1]}}}}""", "search.parameters", "a path runs through epochs, which is not an object");
        assertProblem(
                """
                {"base": {"epochs": 3}, "search": {"type": "grid", "parameters": {"seed": {"values": [1]}}}}""",
                "trials[0].dataset.validationFraction",
                "must be above 0: the objective is validationAccuracy, measured on held-out images");
        assertProblem(
                """
                {"base": {"epochs": 3, "dataset": {"validationFraction": 0.2}},
                 "search": {"type": "grid", "parameters": {"seed": {"values": [1]}}},
                 "earlyStopping": {"rule": "asha", "graceEpochs": 2}}""",
                "earlyStopping.graceEpochs",
                "applies to the median rule only; asha takes minEpochs and reductionFactor");
        HttpResponse<String> unknown = alice().post("/api/v1/experiments", """
                {"base": {"epochs": 3}, "search": {"type": "grid", "parameters": {}}, "budget": 3}""");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field 'budget'");
        HttpResponse<String> badBase = alice().post("/api/v1/experiments", """
                {"base": {"epochz": 3}, "search": {"type": "grid", "parameters": {"seed": {"values": [1]}}}}""");
        assertThat(badBase.statusCode()).isEqualTo(400);
        assertThat(badBase.body()).contains("base.epochz");
        assertThat(experiments()).isEqualTo(before);
    }

    @Test
    void anExperimentTooLargeToStoreAnswers400AndStoresNothing() {
        long before = experiments();
        String paths = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> "\"" + "p".repeat(3000) + i + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        HttpResponse<String> refused = alice().post("/api/v1/experiments", """
                {"base": {"epochs": 3, "dataset": {"validationFraction": 0.2}},
                 "search": {"type": "random", "parameters": {"dataset.path": {"values": [%s]}}}}""".formatted(paths));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("larger than 200000 characters");
        assertThat(experiments()).isEqualTo(before);
    }

    @Test
    void hostileNamesInPathsAndValuesAreShownEscapedAndCut() {
        HttpResponse<String> badPath = alice().post("/api/v1/experiments", """
                {"base": {"epochs": 3}, "search": {"type": "grid",
                 "parameters": {"\\u001b[31m%s": {"values": [1]}}}}""".formatted("x".repeat(5000)));
        assertThat(badPath.statusCode()).isEqualTo(400);
        String field = alice().json(badPath).get("errors").get(0).get("field").asString();
        assertThat(field)
                .startsWith("search.parameters.\\u001b[31mx")
                .endsWith("...")
                .hasSizeLessThan(100);
        HttpResponse<String> badKey = alice().post("/api/v1/experiments", """
                {"base": {"epochs": 3}, "search": {"type": "grid",
                 "parameters": {"schedule": {"values": [{"type": "constant", "\\u0000evil\\n": 1}]}}}}""");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.body()).doesNotContain("\\u0000evil\\n").contains("\\\\u0000evil\\\\u000a");
    }

    private void assertProblem(String spec, String field, String message) {
        HttpResponse<String> refused = alice().post("/api/v1/experiments", spec);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode errors = alice().json(refused).get("errors");
        assertThat(errors.get(0).get("field").asString()).as(refused.body()).isEqualTo(field);
        assertThat(errors.get(0).get("message").asString()).isEqualTo(message);
    }

    private long experiments() {
        return jdbc.sql("select count(*) from experiments").query(Long.class).single();
    }
}
