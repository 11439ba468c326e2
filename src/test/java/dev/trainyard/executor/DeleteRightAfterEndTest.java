package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.jobs.JobLifecycle;
import dev.trainyard.jobs.JobState;
import dev.trainyard.jobs.Lease;
import dev.trainyard.metrics.TrainyardMetrics;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A client that deletes a job the moment its end is recorded finds it gone for good: the slot writes nothing into the
 * job's folder after recording the end, so the folder does not come back. The delete is made on the slot's thread the
 * moment the end commits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeleteRightAfterEndTest {

    static final Path DATA_DIR = TestServer.newDataDir();

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

    @MockitoSpyBean
    JobLifecycle lifecycle;

    @MockitoSpyBean
    TrainyardMetrics metrics;

    @Test
    void aJobDeletedAsSoonAsItsEndIsRecordedLeavesNoFolderBehind() throws Exception {
        ApiClient alice = new ApiClient(port, TestServer.ALICE);
        AtomicInteger deleteAnswer = new AtomicInteger();
        doAnswer(invocation -> {
                    Lease lease = invocation.getArgument(0);
                    // the end commits when finish returns; the client deletes at that moment, on the slot's thread
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            deleteAnswer.set(alice.delete("/api/v1/jobs/" + lease.jobId())
                                    .statusCode());
                        }
                    });
                    return invocation.callRealMethod();
                })
                .when(lifecycle)
                .finish(any(Lease.class), any(JobState.class), any());
        // called twice for a run that ends: by finish, then by the slot once it is done with the run
        CountDownLatch slotDone = new CountDownLatch(2);
        doAnswer(invocation -> {
                    invocation.callRealMethod();
                    slotDone.countDown();
                    return null;
                })
                .when(metrics)
                .trainingEnded(any(UUID.class));

        HttpResponse<String> submitted = alice.post(
                "/api/v1/jobs",
                "{\"epochs\": 2, \"batchSize\": 10, \"dataset\": {\"trainLimit\": 20, \"testLimit\": 10}}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String id = alice.json(submitted).get("id").asString();

        assertThat(slotDone.await(2, TimeUnit.MINUTES))
                .as("the slot finished the run")
                .isTrue();
        assertThat(deleteAnswer).as("the job was deleted right after its end").hasValue(204);
        assertThat(DATA_DIR.resolve("jobs").resolve(id)).doesNotExist();
    }
}
