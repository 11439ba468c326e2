package dev.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SubmissionLimitsTest} on the PostgreSQL server named by {@code TRAINYARD_TEST_POSTGRES_URL}. */
@EnabledIfEnvironmentVariable(named = PostgresSchema.URL_VARIABLE, matches = ".+")
class SubmissionLimitsLocalPostgresTest extends SubmissionLimitsTest {

    static String schema;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        schema = PostgresSchema.registerLocal(registry);
        registry.add("trainyard.executor.lease-timeout", () -> "45s");
    }

    @Test
    void pooledSessionsEndTransactionsIdleForLongerThanTheLeaseTimeout() {
        assertThat(jdbc.sql("show idle_in_transaction_session_timeout")
                        .query(String.class)
                        .single())
                .isEqualTo("45s");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        PostgresSchema.dropLocal(schema);
    }
}
