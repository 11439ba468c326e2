package dev.trainyard.jobs;

import dev.trainyard.PostgresSchema;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link KillAfterAcknowledgedWritesContract} on the PostgreSQL server named by {@code TRAINYARD_TEST_POSTGRES_URL}. */
@EnabledIfEnvironmentVariable(named = PostgresSchema.URL_VARIABLE, matches = ".+")
class KillAfterAcknowledgedWritesLocalPostgresTest extends KillAfterAcknowledgedWritesContract {

    private final List<String> schemas = IntStream.range(0, LANES).mapToObj(lane -> PostgresSchema.newName()).toList();

    @Override
    List<String> databaseArguments(int lane) {
        return PostgresSchema.settings(PostgresSchema.LOCAL_URL, PostgresSchema.LOCAL_USER,
                PostgresSchema.LOCAL_PASSWORD, schemas.get(lane)).entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toList();
    }

    @AfterEach
    void dropSchemas() throws Exception {
        stopServers();
        for (String schema : schemas) {
            PostgresSchema.dropLocal(schema);
        }
    }
}
