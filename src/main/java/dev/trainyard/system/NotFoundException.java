package dev.trainyard.system;

/** Something the request names does not exist for this caller; answered 404. */
public abstract class NotFoundException extends RuntimeException {

    protected NotFoundException(String message) {
        super(message);
    }

    /** The problem's title, e.g. "Job not found". */
    public abstract String title();
}
