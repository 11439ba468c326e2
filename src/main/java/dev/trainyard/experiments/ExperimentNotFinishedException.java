package dev.trainyard.experiments;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** Deleting an experiment that is running, or whose cancelled trials are still stopping; answered 409. */
class ExperimentNotFinishedException extends ConflictException {

    ExperimentNotFinishedException(UUID id, String why) {
        super("experiment " + id + " " + why);
    }

    static ExperimentNotFinishedException running(UUID id) {
        return new ExperimentNotFinishedException(
                id,
                "is RUNNING; only a finished experiment can be deleted: cancel it first (POST /api/v1/experiments/" + id
                        + "/cancel)");
    }

    static ExperimentNotFinishedException trialsStopping(UUID id) {
        return new ExperimentNotFinishedException(
                id, "has trials that are still stopping after its cancel; delete it once they have ended");
    }

    @Override
    public String title() {
        return "Not possible in the experiment's state";
    }
}
