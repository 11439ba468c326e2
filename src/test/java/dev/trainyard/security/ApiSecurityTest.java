package dev.trainyard.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.trainyard.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class ApiSecurityTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
    }

    @Autowired
    MockMvc mvc;

    private String submitAs(String token) throws Exception {
        String body = mvc.perform(post("/api/v1/jobs")
                        .header("Authorization", "Bearer " + token)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"epochs\": 2}"))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString();
        return JsonPath.read(body, "$.id");
    }

    @Test
    void apiWithoutATokenIsUnauthorizedProblem() throws Exception {
        mvc.perform(get("/api/v1/jobs"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:unauthorized"));
    }

    @Test
    void apiWithAWrongTokenIsUnauthorized() throws Exception {
        mvc.perform(get("/api/v1/jobs").header("Authorization", "Bearer " + TestServer.ALICE + "x"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/models").header("Authorization", "Basic " + TestServer.ALICE))
                .andExpect(status().isUnauthorized());
        mvc.perform(post("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void anotherOwnersJobIsNotFoundButAnAdminSeesIt() throws Exception {
        String id = submitAs(TestServer.ALICE);

        mvc.perform(get("/api/v1/jobs/" + id).header("Authorization", "Bearer " + TestServer.BOB))
                .andExpect(status().isNotFound());
        mvc.perform(post("/api/v1/jobs/" + id + "/cancel").header("Authorization", "Bearer " + TestServer.BOB))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/jobs/" + id + "/metrics").header("Authorization", "Bearer " + TestServer.BOB))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/jobs").header("Authorization", "Bearer " + TestServer.BOB))
                .andExpect(jsonPath("$.items[?(@.id == '" + id + "')]").isEmpty());
        mvc.perform(get("/api/v1/jobs/" + id).header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.owner").value("alice"));
        mvc.perform(get("/api/v1/jobs").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(jsonPath("$.items[?(@.id == '" + id + "')]").isNotEmpty());
    }

    @Test
    void healthAndPrometheusAreOpenOtherActuatorEndpointsNeedAdmin() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/prometheus"))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("trainyard_jobs_submitted_total")));
        mvc.perform(get("/actuator/metrics")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/metrics").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("urn:trainyard:problem:forbidden"));
        mvc.perform(get("/actuator/metrics").header("Authorization", "Bearer " + TestServer.ROOT))
                .andExpect(status().isOk());
    }

    @Test
    void metricsSeriesExistFromTheFirstScrape() throws Exception {
        mvc.perform(get("/actuator/prometheus"))
                .andExpect(content()
                        .string(org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.containsString(
                                        "trainyard_jobs_completed_total{state=\"SUCCEEDED\"}"),
                                org.hamcrest.Matchers.containsString(
                                        "trainyard_jobs_completed_total{state=\"FAILED\"}"),
                                org.hamcrest.Matchers.containsString(
                                        "trainyard_jobs_completed_total{state=\"CANCELLED\"}"),
                                org.hamcrest.Matchers.containsString("trainyard_jobs{state=\"queued\"}"),
                                org.hamcrest.Matchers.containsString("trainyard_jobs{state=\"running\"}"),
                                org.hamcrest.Matchers.containsString("trainyard_training_step_seconds_count"),
                                org.hamcrest.Matchers.containsString("trainyard_storage_free_bytes"),
                                org.hamcrest.Matchers.containsString("trainyard_storage_jobs_bytes"),
                                org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("path=\"")),
                                org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(DATA_DIR.toString())))));
    }
}
