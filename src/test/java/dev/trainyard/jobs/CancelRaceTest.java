package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.trainyard.TestServer;
import dev.trainyard.jobs.spec.JobSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A cancel whose job moves between the queue and a slot while the request is being answered still records the
 * cancel: the answer comes from the statement that made the change, not from a read before it.
 */
@SpringBootTest
@AutoConfigureMockMvc
class CancelRaceTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    JobRepository jobs;

    private UUID aRunningJob() {
        UUID id = UUID.randomUUID();
        jobs.insert(
                id,
                "alice",
                new JobSpec("race", null, null, null, 2, null, null, null, 1L, null, null).withDefaults(() -> 1L),
                Instant.now());
        jdbc.sql("update jobs set state = 'RUNNING', attempt = 1, claimed_by = 'gone/slot-0' where id = :id")
                .param("id", id.toString())
                .update();
        return id;
    }

    /** The next time the job is read, recovery re-queues it just after the read (its replica is gone). */
    private void requeueRightAfterTheNextRead(UUID id) {
        AtomicReference<Boolean> armed = new AtomicReference<>(true);
        doAnswer(invocation -> {
                    Object job = invocation.callRealMethod();
                    if (invocation.getArgument(0).equals(id) && armed.getAndSet(false)) {
                        jobs.requeue(new Lease(id, 1));
                    }
                    return job;
                })
                .when(jobs)
                .findById(any(UUID.class));
    }

    @Test
    void cancelOfAJobRequeuedAfterItWasReadCancelsItFromTheQueue() throws Exception {
        UUID id = aRunningJob();
        requeueRightAfterTheNextRead(id);

        mvc.perform(post("/api/v1/jobs/" + id + "/cancel").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("CANCELLED"));

        Optional<Job> stored = jobs.findById(id);
        assertThat(stored).get().extracting(Job::state).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void cancelOfARunningJobIsRecordedAndAnswered202() throws Exception {
        UUID id = aRunningJob();

        mvc.perform(post("/api/v1/jobs/" + id + "/cancel").header("Authorization", "Bearer " + TestServer.ALICE))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.cancelRequested").value(true));

        assertThat(jobs.findById(id)).get().extracting(Job::cancelRequested).isEqualTo(true);
    }
}
