package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Deleting an experiment removes it whole, with its trials' jobs and their folders; one that is running, or whose
 * cancelled trials are still stopping, answers 409 and loses nothing. The executor is idle: trials stay queued until
 * a cancel ends them, and a still-stopping trial is written as such in the table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentDeletionTest {

    static final Path DATA_DIR = TestServer.newDataDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "0");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private ApiClient alice() {
        return new ApiClient(port, TestServer.ALICE);
    }

    private String created() {
        return IdleExperiment.create(alice());
    }

    private void cancel(String id) {
        assertThat(alice().post("/api/v1/experiments/" + id + "/cancel", "").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aFinishedExperimentIsDeletedWithItsTrialsJobsAndTheirFiles() throws Exception {
        String id = created();
        cancel(id);
        List<String> jobs = jobsOf(id);
        assertThat(jobs).hasSize(2);
        for (String job : jobs) {
            Files.createDirectories(DATA_DIR.resolve("jobs").resolve(job).resolve("checkpoints"));
            Files.writeString(DATA_DIR.resolve("jobs").resolve(job).resolve("job.log"), "trained\n");
        }

        HttpResponse<String> deleted = alice().delete("/api/v1/experiments/" + id);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(alice().get("/api/v1/experiments/" + id).statusCode()).isEqualTo(404);
        for (String job : jobs) {
            assertThat(alice().get("/api/v1/jobs/" + job).statusCode()).isEqualTo(404);
            assertThat(DATA_DIR.resolve("jobs").resolve(job)).doesNotExist();
        }
        assertThat(rows("experiment_trials", id)).isZero();
        assertThat(jobsOf(id)).isEmpty();
        assertThat(alice().delete("/api/v1/experiments/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void aRunningExperimentIs409AndKeepsEverything() {
        String id = created();

        HttpResponse<String> refused = alice().delete("/api/v1/experiments/" + id);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(alice().json(refused).get("detail").asString())
                .isEqualTo("experiment " + id + " is RUNNING; only a finished experiment can be deleted: cancel it "
                        + "first (POST /api/v1/experiments/" + id + "/cancel)");
        assertThat(alice().get("/api/v1/experiments/" + id).statusCode()).isEqualTo(200);
        assertThat(jobsOf(id)).hasSize(2);
        assertThat(rows("experiment_trials", id)).isEqualTo(3);
        cancel(id);
    }

    @Test
    void aCancelledExperimentWhoseTrialIsStillStoppingIs409UntilItEnds() {
        String id = created();
        cancel(id);
        String stopping = jobsOf(id).get(0);
        jdbc.sql("update jobs set state = 'RUNNING', finished_at = null, cancel_requested = true where id = :id")
                .param("id", stopping)
                .update();

        HttpResponse<String> refused = alice().delete("/api/v1/experiments/" + id);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(alice().json(refused).get("detail").asString()).contains("still stopping");
        assertThat(jobsOf(id)).as("nothing was deleted").hasSize(2);
        assertThat(rows("experiment_trials", id)).isEqualTo(3);

        jdbc.sql("update jobs set state = 'CANCELLED', finished_at = current_timestamp where id = :id")
                .param("id", stopping)
                .update();
        assertThat(alice().delete("/api/v1/experiments/" + id).statusCode()).isEqualTo(204);
    }

    @Test
    void anotherOwnersExperimentIsNotFoundAndStays() {
        String id = created();
        cancel(id);

        assertThat(alice().as(TestServer.BOB)
                        .delete("/api/v1/experiments/" + id)
                        .statusCode())
                .isEqualTo(404);

        assertThat(alice().get("/api/v1/experiments/" + id).statusCode()).isEqualTo(200);
        assertThat(alice().as(TestServer.ROOT)
                        .delete("/api/v1/experiments/" + id)
                        .statusCode())
                .as("an admin may delete it")
                .isEqualTo(204);
    }

    @Test
    void aMalformedIdIs400NamingIt() {
        HttpResponse<String> refused = alice().delete("/api/v1/experiments/not-a-uuid");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(alice().json(refused).get("detail").asString())
                .isEqualTo("parameter 'id' must be an id (a UUID) (was 'not-a-uuid')");
    }

    private List<String> jobsOf(String id) {
        return jdbc.sql("select id from jobs where experiment_id = :id order by trial")
                .param("id", id)
                .query(String.class)
                .list();
    }

    private long rows(String table, String experiment) {
        return jdbc.sql("select count(*) from " + table + " where experiment_id = :id")
                .param("id", experiment)
                .query(Long.class)
                .single();
    }
}
