package dev.trainyard.system;

/** A request body over the limit; answered 413. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(int limitBytes) {
        super("the body is larger than " + limitBytes / (1024 * 1024) + " MB; send a smaller image");
    }
}
