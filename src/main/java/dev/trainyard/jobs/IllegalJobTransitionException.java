package dev.trainyard.jobs;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** A state change the lifecycle does not allow, such as cancelling a finished job; answered 409. */
public class IllegalJobTransitionException extends ConflictException {

    public IllegalJobTransitionException(UUID id, JobState from, JobState to) {
        super("job " + id + " is " + from + " and cannot become " + to
                + (from.isFinished() ? "; it has already finished" : ""));
    }

    @Override
    public String title() {
        return "Not possible in the job's state";
    }
}
