package dev.trainyard.system;

/** The request is valid but not possible in the current state of what it names; answered 409. */
public abstract class ConflictException extends RuntimeException {

    protected ConflictException(String message) {
        super(message);
    }

    /** The problem's title, e.g. "Not possible in the job's state". */
    public abstract String title();
}
