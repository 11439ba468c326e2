package dev.trainyard.jobs;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code Idempotency-Key}s of job submissions (V2). */
@Repository
class JobIdempotencyKeys extends IdempotencyKeys {

    JobIdempotencyKeys(JdbcClient jdbc) {
        super(jdbc, "idempotency_keys", "job_id", "job");
    }
}
