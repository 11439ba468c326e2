package dev.trainyard.jobs;

import java.util.UUID;

/** The model of a job that has not succeeded; answered 409. */
public class ModelNotReadyException extends RuntimeException {

    public ModelNotReadyException(UUID id, JobState state) {
        super("job " + id + " is " + state + "; its model can be downloaded once it has SUCCEEDED");
    }
}
