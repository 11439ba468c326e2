package dev.trainyard.jobs;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** The model of a job that has not succeeded; answered 409. */
public class ModelNotReadyException extends ConflictException {

    public ModelNotReadyException(UUID id, JobState state) {
        super("job " + id + " is " + state + "; its model can be downloaded once it has SUCCEEDED");
    }

    @Override
    public String title() {
        return "Model not available yet";
    }
}
