package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.trainyard.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The jobs API with the executor idle (0 slots), so jobs stay QUEUED. */
@SpringBootTest
@AutoConfigureMockMvc
class JobApiTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    ResultActions submit(String token, String body) throws Exception {
        return mvc.perform(post("/api/v1/jobs")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    long jobCount() {
        return jdbc.sql("select count(*) from jobs").query(Long.class).single();
    }

    String idOf(ResultActions result) throws Exception {
        return com.jayway.jsonpath.JsonPath.read(
                result.andReturn().getResponse().getContentAsString(), "$.id");
    }

    @Test
    void submitFillsInDefaultsAndAnswersCreatedWithLocation() throws Exception {
        submit(TestServer.ALICE, "{\"epochs\": 3}")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.owner").value("alice"))
                .andExpect(jsonPath("$.queuePosition").isNumber())
                .andExpect(jsonPath("$.spec.model").value("seednet"))
                .andExpect(jsonPath("$.spec.batchSize").value(64))
                .andExpect(jsonPath("$.spec.dataset.name").value("cifar10"))
                .andExpect(jsonPath("$.spec.optimizer.momentum").value(0.9))
                .andExpect(jsonPath("$.spec.schedule.type").value("cosine-warmup"))
                .andExpect(jsonPath("$.spec.schedule.warmupEpochs").value(1))
                .andExpect(jsonPath("$.spec.seed").isNumber())
                .andExpect(jsonPath("$.spec.priority").value(0));
    }

    @Test
    void seedJobExampleIsAccepted() throws Exception {
        String example = java.nio.file.Files.readString(Path.of("examples/seed-job.json"));
        submit(TestServer.ALICE, example)
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.spec.schedule.baseLr").value(0.5))
                .andExpect(jsonPath("$.spec.schedule.warmupEpochs").value(5))
                .andExpect(jsonPath("$.spec.epochs").value(8))
                .andExpect(jsonPath("$.spec.optimizer.momentum").value(0.0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top-level field      | {"epochs": 3, "learningRate": 0.1}                         | learningRate
            the seed's ignored field     | {"schedule": {"warmup_steps": 20}}                         | schedule.warmup_steps
            string for a number          | {"epochs": "3"}                                            | epochs
            fraction for a whole number  | {"batchSize": 32.5}                                        | batchSize
            object for a number          | {"epochs": {}}                                             | epochs
            number for a string          | {"model": 5}                                               | model
            an index for a name          | {"model": 1}                                               | model
            an index for a schedule type | {"schedule": {"type": 0}}                                  | schedule.type
            """)
    void malformedBodiesAreRejectedWithTheField(String what, String body, String field) throws Exception {
        long before = jobCount();
        submit(TestServer.ALICE, body)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:malformed-request"))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(field)));
        assertThat(jobCount()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | {"epochs": 3
            trailing garbage          | {"epochs": 3} x
            empty body                | ''
            an array                  | [1, 2]
            """)
    void unreadableBodiesAreRejected(String what, String body) throws Exception {
        long before = jobCount();
        submit(TestServer.ALICE, body)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.detail").isString());
        assertThat(jobCount()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            epochs 0                         | {"epochs": 0}                                                     | epochs
            epochs 1001                      | {"epochs": 1001}                                                  | epochs
            batchSize 0                      | {"batchSize": 0}                                                  | batchSize
            batchSize 4097                   | {"batchSize": 4097}                                               | batchSize
            name too long                    | {"name": "%s"}                                                    | name
            blank name                       | {"name": "  "}                                                    | name
            unknown model                    | {"model": "resnet9000"}                                           | model
            unknown dataset                  | {"dataset": {"name": "mnist"}}                                    | dataset.name
            trainLimit 0                     | {"dataset": {"trainLimit": 0}}                                    | dataset.trainLimit
            testLimit 0                      | {"dataset": {"testLimit": 0}}                                     | dataset.testLimit
            priority 101                     | {"priority": 101}                                                 | priority
            priority -101                    | {"priority": -101}                                                | priority
            negative base rate               | {"schedule": {"baseLr": -0.1}}                                    | schedule.baseLr
            negative min rate                | {"schedule": {"minLr": -1}}                                       | schedule.minLr
            negative start rate              | {"schedule": {"warmupStartLr": -1}}                               | schedule.warmupStartLr
            base not above start             | {"schedule": {"baseLr": 0.1, "warmupStartLr": 0.1}}               | schedule.baseLr
            min above base                   | {"schedule": {"baseLr": 0.1, "minLr": 0.2}}                       | schedule.minLr
            warmup as long as the run        | {"epochs": 5, "schedule": {"warmupEpochs": 5}}                    | schedule.warmupEpochs
            both warmup forms                | {"schedule": {"warmupEpochs": 1, "warmupSteps": 10}}              | schedule.warmupEpochs
            negative warmup steps            | {"schedule": {"warmupSteps": -1}}                                 | schedule.warmupSteps
            warmup steps past the end        | {"epochs": 2, "schedule": {"warmupSteps": 100000}}                | schedule.warmupSteps
            unknown schedule type            | {"schedule": {"type": "step"}}                                    | schedule.type
            warmup on a constant schedule    | {"schedule": {"type": "constant", "warmupEpochs": 1}}             | schedule.warmupEpochs
            unknown optimizer                | {"optimizer": {"type": "lbfgs"}}                                  | optimizer.type
            momentum 1                       | {"optimizer": {"momentum": 1.0}}                                  | optimizer.momentum
            negative weight decay            | {"optimizer": {"weightDecay": -0.1}}                              | optimizer.weightDecay
            classical momentum               | {"optimizer": {"momentum": 0.9, "nesterov": false}}               | optimizer.nesterov
            one epoch with default warmup    | {"epochs": 1}                                                     | schedule.warmupEpochs
            image folder outside datasets    | {"dataset": {"name": "imagefolder", "path": "../.."}}             | dataset.path
            image folder that is absolute    | {"dataset": {"name": "imagefolder", "path": "/etc"}}              | dataset.path
            image folder without a path      | {"dataset": {"name": "imagefolder"}}                              | dataset.path
            path on cifar10                  | {"dataset": {"name": "cifar10", "path": "x"}}                     | dataset.path
            validation fraction above 0.5    | {"dataset": {"validationFraction": 0.9}}                          | dataset.validationFraction
            crop too large                   | {"augment": {"randomCrop": 17}}                                   | augment.randomCrop
            """)
    void invalidValuesAreRejectedWithTheFieldAndNothingIsStored(String what, String body, String field)
            throws Exception {
        long before = jobCount();
        submit(TestServer.ALICE, body.replace("%s", "x".repeat(101)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:validation"))
                .andExpect(jsonPath("$.instance").value("/api/v1/jobs"))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItem(field)));
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void aValueOutsideAClosedSetNamesTheSetAndShowsTheValueSafely() throws Exception {
        submit(TestServer.ALICE, "{\"optimizer\": {\"type\": \"lbfgs\\u001b[31m\"}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:validation"))
                .andExpect(jsonPath("$.errors[0].field").value("optimizer.type"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must be one of [sgd, adam, adamw] (was 'lbfgs\\u001b[31m')"));
    }

    @Test
    void infiniteRatesCannotBeSentAsJsonNumbers() throws Exception {
        long before = jobCount();
        submit(TestServer.ALICE, "{\"schedule\": {\"baseLr\": 1e999}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("schedule.baseLr"));
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void everyViolationIsListedAtOnce() throws Exception {
        submit(TestServer.ALICE, "{\"epochs\": 0, \"batchSize\": 0, \"priority\": 500}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.length()").value(3));
    }

    @Test
    void cancellingAQueuedJobCancelsItAtOnceAndAgainIsAConflict() throws Exception {
        String id = idOf(submit(TestServer.ALICE, "{\"epochs\": 2}"));

        mvc.perform(post("/api/v1/jobs/" + id + "/cancel").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("CANCELLED"))
                .andExpect(jsonPath("$.finishedAt").isString());
        mvc.perform(post("/api/v1/jobs/" + id + "/cancel").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:conflict"));
    }

    @Test
    void queuePositionFollowsPriorityThenSubmissionOrder() throws Exception {
        String low = idOf(submit(TestServer.BOB, "{\"epochs\": 2, \"priority\": -100}"));
        String high = idOf(submit(TestServer.BOB, "{\"epochs\": 2, \"priority\": 100}"));
        String high2 = idOf(submit(TestServer.BOB, "{\"epochs\": 2, \"priority\": 100}"));

        long highPosition = position(high);
        assertThat(position(high2)).isEqualTo(highPosition + 1);
        assertThat(position(low)).isGreaterThan(position(high2));
    }

    private long position(String id) throws Exception {
        String body = mvc.perform(get("/api/v1/jobs/" + id).header("Authorization", "Bearer " + TestServer.BOB))
                .andReturn()
                .getResponse()
                .getContentAsString();
        return ((Number) com.jayway.jsonpath.JsonPath.read(body, "$.queuePosition")).longValue();
    }

    @Test
    void listingPagesWithACursorAndFiltersByState() throws Exception {
        for (int i = 0; i < 3; i++) {
            submit(TestServer.ROOT, "{\"epochs\": 2, \"name\": \"page-" + i + "\"}")
                    .andExpect(status().isCreated());
        }
        String first = mvc.perform(
                        get("/api/v1/jobs?limit=2&state=QUEUED").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items.length()").value(2))
                .andExpect(jsonPath("$.items[0].name").value("page-2"))
                .andExpect(jsonPath("$.items[1].name").value("page-1"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        String cursor = com.jayway.jsonpath.JsonPath.read(first, "$.nextCursor");

        mvc.perform(get("/api/v1/jobs?limit=2&state=QUEUED&cursor=" + cursor)
                        .header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].name").value("page-0"));
        mvc.perform(get("/api/v1/jobs?state=DONE").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("state"));
        mvc.perform(get("/api/v1/jobs?limit=0").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/jobs?cursor=bogus").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("cursor"));
    }

    @Test
    void unknownAndMalformedJobIdsAreNotFoundOrBadRequest() throws Exception {
        mvc.perform(get("/api/v1/jobs/" + java.util.UUID.randomUUID())
                        .header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:not-found"));
        mvc.perform(get("/api/v1/jobs/not-a-uuid").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isBadRequest());
    }

    @Test
    void modelOfAJobThatHasNotSucceededIsAConflict() throws Exception {
        String id = idOf(submit(TestServer.ALICE, "{\"epochs\": 2}"));

        mvc.perform(get("/api/v1/jobs/" + id + "/model").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isConflict());
    }
}
