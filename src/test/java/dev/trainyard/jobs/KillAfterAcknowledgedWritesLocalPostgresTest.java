package dev.trainyard.jobs;

import dev.trainyard.PostgresSchema;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link KillAfterAcknowledgedWritesContract} on the PostgreSQL server named by {@code TRAINYARD_TEST_POSTGRES_URL}. */
@EnabledIfEnvironmentVariable(named = PostgresSchema.URL_VARIABLE, matches = ".+")
class KillAfterAcknowledgedWritesLocalPostgresTest extends KillAfterAcknowledgedWritesContract {

    private final List<String> schemas =
            IntStream.range(0, LANES).mapToObj(lane -> PostgresSchema.newName()).toList();

    @Override
    List<String> databaseArguments(int lane) {
        return PostgresSchema.localArguments(schemas.get(lane));
    }

    @AfterEach
    void dropSchemas() throws Exception {
        stopServers();
        for (String schema : schemas) {
            PostgresSchema.dropLocal(schema);
        }
    }
}
