package dev.trainyard.executor;

import java.util.List;

/** {@link CrashRecoveryContract} on the embedded H2 database a single server uses by default. */
class CrashRecoveryH2Test extends CrashRecoveryContract {

    @Override
    List<String> databaseArguments() {
        return List.of();
    }
}
