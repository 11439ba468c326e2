package dev.trainyard.jobs;

import dev.trainyard.system.ConflictException;
import java.util.UUID;

/** The job kept moving between the queue and a slot while a request tried to change it; answered 409. */
public class JobBusyException extends ConflictException {

    public JobBusyException(UUID id) {
        super("job " + id + " changed state repeatedly while this request tried to change it; send it again");
    }

    @Override
    public String title() {
        return "The job is changing state";
    }
}
