package dev.trainyard.experiments;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** The best model of an experiment none of whose trials has SUCCEEDED with an objective value; answered 409. */
class NoBestTrialException extends ConflictException {

    NoBestTrialException(UUID id) {
        super("experiment " + id + " has no trial that SUCCEEDED with an objective value yet; its best model can be "
                + "downloaded once one has");
    }

    @Override
    public String title() {
        return "Model not available yet";
    }
}
