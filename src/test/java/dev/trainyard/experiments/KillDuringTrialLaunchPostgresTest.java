package dev.trainyard.experiments;

import dev.trainyard.PostgresSchema;
import dev.trainyard.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link KillDuringTrialLaunchContract} on PostgreSQL: the local server CI names, or a throw-away container. */
@EnabledIf(PostgresServer.AVAILABLE)
class KillDuringTrialLaunchPostgresTest extends KillDuringTrialLaunchContract {

    private final PostgresServer server = PostgresServer.get();
    private final String schema = PostgresSchema.newName();

    @Override
    List<String> databaseArguments() {
        return PostgresSchema.arguments(server, schema);
    }

    @AfterEach
    void dropSchema() throws Exception {
        stopServers();
        PostgresSchema.drop(server, schema);
    }
}
