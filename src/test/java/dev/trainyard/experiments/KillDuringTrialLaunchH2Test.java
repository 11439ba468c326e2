package dev.trainyard.experiments;

import java.util.List;

/** {@link KillDuringTrialLaunchContract} on the embedded H2 database. */
class KillDuringTrialLaunchH2Test extends KillDuringTrialLaunchContract {

    @Override
    List<String> databaseArguments() {
        return List.of();
    }
}
