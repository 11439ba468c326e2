package dev.trainyard.jobs;

import dev.trainyard.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The job tables on a PostgreSQL server named by {@code TRAINYARD_TEST_POSTGRES_URL} (with
 * {@code TRAINYARD_TEST_POSTGRES_USER} and {@code _PASSWORD}); CI points it at its local server.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@EnabledIfEnvironmentVariable(named = "TRAINYARD_TEST_POSTGRES_URL", matches = ".+")
class JobRepositoryLocalPostgresTest extends JobRepositoryContract {

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
