package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;

import dev.trainyard.system.JobArtifacts;
import dev.trainyard.system.JsonConfiguration;
import dev.trainyard.system.RequestBodies;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The job endpoints alone (a web slice; the service is a mock): status codes, the ETag and 304, content negotiation
 * and problem details. What the service does is tested against real databases elsewhere.
 */
@WebMvcTest(
        controllers = JobController.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = RequestBodies.class))
@AutoConfigureMockMvc(addFilters = false)
@Import(JsonConfiguration.class)
class JobControllerTest {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    JobService jobs;

    @MockitoBean
    PredictionService predictions;

    @MockitoBean
    JobArtifacts artifacts;

    private Job running(long version) {
        Job job = JobTestBuilder.aQueuedJob().inState(JobState.RUNNING, version);
        given(jobs.get(any(), eq(job.id()))).willReturn(job);
        given(jobs.epochs(job)).willReturn(List.of());
        return job;
    }

    @BeforeEach
    void jobsAreNotQueued() {
        given(jobs.snapshot(any(Job.class))).willAnswer(call -> new JobSnapshot(call.getArgument(0), null, null));
        given(jobs.details(any(JobSnapshot.class)))
                .willAnswer(call -> call.<JobSnapshot>getArgument(0).view(List.of(), null));
    }

    @Test
    void getWhenNothingChangedShouldAnswer304ToItsETag() {
        Job job = running(7);

        MvcTestResult first = mvc.get().uri("/api/v1/jobs/" + job.id()).exchange();
        assertThat(first).hasStatusOk().headers().hasValue("ETag", "\"7\"");
        assertThat(first).bodyJson().extractingPath("$.state").isEqualTo("RUNNING");

        assertThat(mvc.get().uri("/api/v1/jobs/" + job.id()).header("If-None-Match", "\"7\""))
                .hasStatus(HttpStatus.NOT_MODIFIED);
        assertThat(mvc.get().uri("/api/v1/jobs/" + job.id()).header("If-None-Match", "\"6\""))
                .hasStatusOk();
    }

    @Test
    void getWhenTheJobIsUnknownShouldAnswerA404Problem() {
        UUID id = UUID.randomUUID();
        given(jobs.get(any(), eq(id))).willThrow(new JobNotFoundException(id.toString()));

        MvcTestResult result = mvc.get().uri("/api/v1/jobs/" + id).exchange();

        assertThat(result).hasStatus(HttpStatus.NOT_FOUND).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.type").isEqualTo("urn:trainyard:problem:not-found");
        assertThat(result).bodyJson().extractingPath("$.instance").isEqualTo("/api/v1/jobs/" + id);
    }

    @Test
    void getWhenTheIdIsNotAUuidShouldAnswerA400ProblemNamingTheParameter() {
        MvcTestResult result = mvc.get().uri("/api/v1/jobs/not-a-job").exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("id");
    }

    @Test
    void cancelWhenJobRunningShouldAnswer202AndWhenQueuedShould200() {
        Job job = running(3);
        given(jobs.cancel(any(), eq(job.id()))).willReturn(new JobService.CancelOutcome(job, false));
        assertThat(mvc.post().uri("/api/v1/jobs/" + job.id() + "/cancel")).hasStatus(HttpStatus.ACCEPTED);

        Job cancelled = JobTestBuilder.aQueuedJob().inState(JobState.CANCELLED, 4);
        given(jobs.cancel(any(), eq(cancelled.id()))).willReturn(new JobService.CancelOutcome(cancelled, true));
        assertThat(mvc.post().uri("/api/v1/jobs/" + cancelled.id() + "/cancel")).hasStatusOk();
    }

    @Test
    void cancelWhenJobFinishedShouldAnswerA409Problem() {
        UUID id = UUID.randomUUID();
        given(jobs.cancel(any(), eq(id)))
                .willThrow(new IllegalJobTransitionException(id, JobState.SUCCEEDED, JobState.CANCELLED));

        MvcTestResult result = mvc.post().uri("/api/v1/jobs/" + id + "/cancel").exchange();

        assertThat(result).hasStatus(HttpStatus.CONFLICT).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("already finished");
    }

    @Test
    void metricsWhenTheClientAsksForSvgShouldDrawTheCurves() {
        Job job = running(1);
        given(jobs.epochs(job))
                .willReturn(List.of(
                        new JobMetricsRepository.EpochMetric(1, 2.0, 1.9, 0.3, null, null, 10),
                        new JobMetricsRepository.EpochMetric(2, 1.5, 1.6, 0.4, null, null, 10)));

        MvcTestResult result = mvc.get()
                .uri("/api/v1/jobs/" + job.id() + "/metrics")
                .header("Accept", "image/svg+xml")
                .exchange();

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith("image/svg+xml");
        assertThat(result).bodyText().startsWith("<svg").contains("validation accuracy");
    }

    @Test
    void modelWhenWhichIsNeitherLastNorBestShouldAnswerA400Problem() {
        Job job = running(1);

        MvcTestResult result =
                mvc.get().uri("/api/v1/jobs/" + job.id() + "/model?which=first").exchange();

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith("application/problem+json");
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("which");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.detail")
                .isEqualTo("parameter 'which' must be one of [last, best] (was 'first')");
    }
}
