package dev.trainyard.jobs;

import java.util.UUID;

/** A state change the lifecycle does not allow, such as cancelling a finished job; answered 409. */
public class IllegalJobTransitionException extends RuntimeException {

    public IllegalJobTransitionException(UUID id, JobState from, JobState to) {
        super("job " + id + " is " + from + " and cannot become " + to
                + (from.isFinished() ? "; it has already finished" : ""));
    }
}
