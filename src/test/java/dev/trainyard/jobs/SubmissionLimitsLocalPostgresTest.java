package dev.trainyard.jobs;

import dev.trainyard.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
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
    }

    @AfterAll
    static void dropSchema() throws Exception {
        PostgresSchema.dropLocal(schema);
    }
}
