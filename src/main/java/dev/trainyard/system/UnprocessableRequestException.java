package dev.trainyard.system;

/** Well-formed and valid, but contradicts an earlier request; answered 422 and nothing is changed. */
public abstract class UnprocessableRequestException extends RuntimeException {

    protected UnprocessableRequestException(String message) {
        super(message);
    }

    /** The problem's title. */
    public abstract String title();
}
