package dev.trainyard.experiments;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** A cancel of an experiment that is no longer running; answered 409. */
class ExperimentFinishedException extends ConflictException {

    ExperimentFinishedException(UUID id, ExperimentState state) {
        super("experiment " + id + " is " + state + "; only a RUNNING experiment can be cancelled");
    }

    @Override
    public String title() {
        return "Experiment not running";
    }
}
