package dev.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.system.JsonConfiguration;
import dev.trainyard.system.RequestBodies;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The model catalogue alone (a web slice): the list, the summary in both formats, and problems for bad input. */
@WebMvcTest(
        controllers = ModelController.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = RequestBodies.class))
@AutoConfigureMockMvc(addFilters = false)
@Import(JsonConfiguration.class)
class ModelControllerTest {

    @Autowired
    MockMvcTester mvc;

    @Test
    void theListNamesEveryModelAJobCanTrainWithItsParameterCount() {
        MvcTestResult result = mvc.get().uri("/api/v1/models").exchange();

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        assertThat(result)
                .bodyJson()
                .extractingPath("$[*].name")
                .asArray()
                .containsExactly("seednet", "lenet5", "resnet20");
        assertThat(result).bodyJson().extractingPath("$[1].parameters").isEqualTo(62006);
    }

    @Test
    void theSummaryGivesEachLayersShapesForTheBatchSize() {
        MvcTestResult result =
                mvc.get().uri("/api/v1/models/lenet5/summary?batchSize=8").exchange();

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        assertThat(result)
                .bodyJson()
                .extractingPath("$.layers[0].inputShape")
                .asArray()
                .containsExactly(8, 3, 32, 32);
        assertThat(result)
                .bodyJson()
                .extractingPath("$.layers[0].outputShape")
                .asArray()
                .containsExactly(8, 6, 28, 28);
    }

    @Test
    void plainTextAsksForTheSameSummaryAsATable() {
        MvcTestResult result = mvc.get()
                .uri("/api/v1/models/lenet5/summary")
                .accept(MediaType.TEXT_PLAIN)
                .exchange();

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN);
        assertThat(result).bodyText().contains("Conv2D-1", "[64, 3, 32, 32]", "[64, 6, 28, 28]", "456");
    }

    @Test
    void anUnknownModelIsA404Problem() {
        MvcTestResult result =
                mvc.get().uri("/api/v1/models/resnet9000/summary").exchange();

        assertThat(result).hasStatus(HttpStatus.NOT_FOUND).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.type").isEqualTo("urn:trainyard:problem:not-found");
    }

    @Test
    void aBatchSizeOutOfRangeIsAValidationProblemNamingIt() {
        MvcTestResult result =
                mvc.get().uri("/api/v1/models/seednet/summary?batchSize=0").exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("batchSize");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.errors[0].message")
                .isEqualTo("must be between 1 and 4096 (was 0)");
    }
}
