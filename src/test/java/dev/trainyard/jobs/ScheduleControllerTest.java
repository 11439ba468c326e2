package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

import dev.trainyard.data.DatasetCatalog;
import dev.trainyard.jobs.spec.ScheduleSpec;
import dev.trainyard.schedule.LearningRateSchedule;
import dev.trainyard.system.JsonConfiguration;
import dev.trainyard.system.RequestBodies;
import dev.trainyard.system.RequestValidation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The preview endpoint alone (a web slice: no database, no executor): what it answers in each format, that its
 * points are the trained schedule's own values, and its problem details for bad input.
 */
@WebMvcTest(
        controllers = ScheduleController.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = RequestBodies.class))
@AutoConfigureMockMvc(addFilters = false)
@Import({JsonConfiguration.class, RequestValidation.class})
class ScheduleControllerTest {

    private static final String COSINE_WARMUP = """
            {"epochs": 3, "stepsPerEpoch": 10,
             "schedule": {"type": "cosine-warmup", "baseLr": 0.1, "warmupEpochs": 1, "minLr": 0.001}}""";

    @Autowired
    MockMvcTester mvc;

    @Autowired
    JsonMapper json;

    @MockitoBean
    DatasetCatalog datasets;

    private MvcTestResult preview(String body, String accept) {
        var request = mvc.post()
                .uri("/api/v1/schedules/preview")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body);
        return (accept == null ? request : request.header("Accept", accept)).exchange();
    }

    @Test
    void previewPointsAreTheTrainedSchedulesOwnValuesAtEveryStep() {
        MvcTestResult result = preview(COSINE_WARMUP, null);

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        JsonNode body = json.readTree(result.getResponse().getContentAsByteArray());
        LearningRateSchedule trained =
                new ScheduleSpec(ScheduleSpec.Type.COSINE_WARMUP, 0.1, 1, null, null, 0.001).toSchedule(3, 10);
        assertThat(body.get("totalSteps").asLong()).isEqualTo(30);
        assertThat(body.get("warmupSteps").asLong()).isEqualTo(10);
        assertThat(body.get("points")).hasSize(30);
        for (JsonNode point : body.get("points")) {
            assertThat(point.get("lr").asDouble())
                    .as("step %s", point.get("step"))
                    .isEqualTo(trained.valueAt(point.get("step").asLong()));
        }
    }

    @Test
    void csvHasAHeaderAndOneRowPerStep() throws Exception {
        MvcTestResult result = preview(COSINE_WARMUP, "text/csv");

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith("text/csv");
        String[] lines = result.getResponse().getContentAsString().split("\n");
        assertThat(lines[0]).isEqualTo("step,epoch,lr");
        assertThat(lines).hasSize(31);
    }

    @Test
    void svgWhenTheClientPrefersItOverJson() throws Exception {
        MvcTestResult result = preview(COSINE_WARMUP, "application/json;q=0.5, image/svg+xml");

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith("image/svg+xml");
        assertThat(result.getResponse().getContentAsString()).startsWith("<svg").contains("warmup ends (step 10)");
    }

    @Test
    void stepsPerEpochComeFromTheDatasetAndBatchSizeWhenNotGiven() {
        given(datasets.trainSize(any())).willReturn(640);

        MvcTestResult result = preview("""
                {"epochs": 2, "batchSize": 64, "schedule": {"type": "constant", "baseLr": 0.01}}""", null);

        assertThat(result).hasStatusOk();
        assertThat(json.readTree(result.getResponse().getContentAsByteArray())
                        .get("stepsPerEpoch")
                        .asInt())
                .isEqualTo(10);
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        MvcTestResult result = preview("""
                {"epochs": 0, "stepsPerEpoch": 10}""", null);

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        JsonNode problem = json.readTree(result.getResponse().getContentAsByteArray());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").findValuesAsString("field")).contains("epochs");
        assertThat(problem.get("errors").findValuesAsString("message")).contains("must be between 1 and 1000 (was 0)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            neither steps nor batch | {"epochs": 2}                                                    | stepsPerEpoch         | give exactly one of stepsPerEpoch and batchSize
            both steps and batch    | {"epochs": 2, "stepsPerEpoch": 10, "batchSize": 64}              | stepsPerEpoch         | give exactly one of stepsPerEpoch and batchSize
            a dataset with steps    | {"epochs": 2, "stepsPerEpoch": 10, "dataset": {"testLimit": 5}}  | dataset               | applies with batchSize only; steps per epoch were given directly
            warmup the whole run    | {"epochs": 2, "stepsPerEpoch": 10, "schedule": {"warmupEpochs": 2}} | schedule.warmupEpochs | must be less than epochs (2), so that the cosine phase has at least one epoch (was 2)
            a warmup that falls     | {"epochs": 2, "stepsPerEpoch": 10, "schedule": {"warmupStartLr": 0.5}} | schedule.baseLr | must be greater than warmupStartLr (0.5) so that warmup rises (was 0.05)
            """)
    void aPreviewBreakingARuleBetweenFieldsNamesTheField(String what, String body, String field, String message) {
        MvcTestResult result = preview(body, null);

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        JsonNode errors =
                json.readTree(result.getResponse().getContentAsByteArray()).get("errors");
        assertThat(errors.findValuesAsString("field")).containsExactly(field);
        assertThat(errors.findValuesAsString("message")).containsExactly(message);
    }

    @Test
    void unknownFieldsAreRefusedNotIgnored() throws Exception {
        MvcTestResult result = preview("""
                {"epochs": 2, "stepsPerEpoch": 10, "warmup": 1}""", null);

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result.getResponse().getContentAsString()).contains("warmup");
    }
}
