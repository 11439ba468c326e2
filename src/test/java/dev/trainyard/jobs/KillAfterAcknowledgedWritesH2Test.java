package dev.trainyard.jobs;

import java.util.List;

/** {@link KillAfterAcknowledgedWritesContract} on the embedded H2 database a single server uses by default. */
class KillAfterAcknowledgedWritesH2Test extends KillAfterAcknowledgedWritesContract {

    @Override
    List<String> databaseArguments(int lane) {
        return List.of();
    }
}
