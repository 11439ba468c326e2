package dev.trainyard.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import java.net.http.HttpResponse;

/**
 * An experiment for servers whose executor is idle: three trials of a short job, two launched at once, so its trials
 * stay QUEUED (or PENDING) until a cancel ends them.
 */
final class IdleExperiment {

    static final String SPEC = """
            {"base": {"epochs": 2, "dataset": {"validationFraction": 0.2}, "schedule": {"type": "constant"}},
             "search": {"type": "grid", "parameters": {"seed": {"values": [1, 2, 3]}}}, "parallelism": 2}""";

    private IdleExperiment() {}

    /** Creates one for {@code client}'s caller; its id. */
    static String create(ApiClient client) {
        HttpResponse<String> created = client.post("/api/v1/experiments", SPEC);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return client.json(created).get("id").asString();
    }
}
