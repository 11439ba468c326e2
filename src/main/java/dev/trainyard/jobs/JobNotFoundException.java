package dev.trainyard.jobs;

/** No job with that id is visible to the caller; answered 404. */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("no job " + id + " exists for this token; list yours with GET /api/v1/jobs");
    }
}
