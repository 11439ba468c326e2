package dev.trainyard.executor;

import dev.trainyard.PostgresSchema;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link CrashRecoveryContract} on the PostgreSQL server named by {@code TRAINYARD_TEST_POSTGRES_URL}. */
@EnabledIfEnvironmentVariable(named = PostgresSchema.URL_VARIABLE, matches = ".+")
class CrashRecoveryLocalPostgresTest extends CrashRecoveryContract {

    private final String schema = PostgresSchema.newName();

    @Override
    List<String> databaseArguments() {
        return PostgresSchema.localArguments(schema);
    }

    @AfterEach
    void dropSchema() throws Exception {
        stopServers();
        PostgresSchema.dropLocal(schema);
    }
}
