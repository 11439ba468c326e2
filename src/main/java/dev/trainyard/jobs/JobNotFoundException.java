package dev.trainyard.jobs;

import dev.trainyard.system.NotFoundException;

/** No job with that id is visible to the caller; answered 404. */
public class JobNotFoundException extends NotFoundException {

    public JobNotFoundException(String id) {
        super("no job " + id + " exists for this token; list yours with GET /api/v1/jobs");
    }

    @Override
    public String title() {
        return "Job not found";
    }
}
