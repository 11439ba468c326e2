package dev.trainyard.jobs;

import dev.trainyard.PostgresSchema;
import dev.trainyard.PostgresServer;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link KillAfterAcknowledgedWritesContract} on PostgreSQL: the local server CI names, or a throw-away container. */
@EnabledIf(PostgresServer.AVAILABLE)
class KillAfterAcknowledgedWritesPostgresTest extends KillAfterAcknowledgedWritesContract {

    private final PostgresServer server = PostgresServer.get();

    private final List<String> schemas =
            IntStream.range(0, LANES).mapToObj(lane -> PostgresSchema.newName()).toList();

    @Override
    List<String> databaseArguments(int lane) {
        return PostgresSchema.arguments(server, schemas.get(lane));
    }

    @AfterEach
    void dropSchemas() throws Exception {
        stopServers();
        for (String schema : schemas) {
            PostgresSchema.drop(server, schema);
        }
    }
}
