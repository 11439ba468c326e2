package dev.trainyard.experiments;

import dev.trainyard.jobs.IdempotencyKeys;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code Idempotency-Key}s of experiment creations (V10). */
@Repository
class ExperimentIdempotencyKeys extends IdempotencyKeys {

    ExperimentIdempotencyKeys(JdbcClient jdbc) {
        super(jdbc, "experiment_idempotency_keys", "experiment_id", "experiment");
    }
}
