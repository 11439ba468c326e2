package dev.trainyard.system;

/** The caller is over a limit that frees up with time; answered 429 with {@code Retry-After}. */
public abstract class TooManyRequestsException extends RuntimeException {

    protected TooManyRequestsException(String message) {
        super(message);
    }

    /** Seconds after which trying again may succeed. */
    public abstract long retryAfterSeconds();
}
