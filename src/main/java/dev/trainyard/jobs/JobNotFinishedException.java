package dev.trainyard.jobs;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** Deleting a job that is queued or running; answered 409. */
public class JobNotFinishedException extends ConflictException {

    public JobNotFinishedException(UUID id, JobState state) {
        super("job " + id + " is " + state
                + "; only a finished job (SUCCEEDED, FAILED, CANCELLED or STOPPED) can be deleted: "
                + "cancel it first (POST /api/v1/jobs/" + id + "/cancel)");
    }

    @Override
    public String title() {
        return "Not possible in the job's state";
    }
}
