package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SubmissionLimitsTest} on PostgreSQL: the local server CI names, or a throw-away container. */
@Import(PostgresTestDatabase.class)
@EnabledIf(PostgresTestDatabase.AVAILABLE)
class SubmissionLimitsPostgresTest extends SubmissionLimitsTest {

    @DynamicPropertySource
    static void leaseTimeout(DynamicPropertyRegistry registry) {
        registry.add("trainyard.executor.lease-timeout", () -> "45s");
    }

    @Test
    void pooledSessionsEndTransactionsIdleForLongerThanTheLeaseTimeout() {
        assertThat(jdbc.sql("show idle_in_transaction_session_timeout")
                        .query(String.class)
                        .single())
                .isEqualTo("45s");
    }
}
