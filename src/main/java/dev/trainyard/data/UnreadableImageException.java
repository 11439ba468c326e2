package dev.trainyard.data;

import java.io.IOException;

/** An image refused before or while it was decoded; the message says why, in words a client can act on. */
public class UnreadableImageException extends IOException {

    public UnreadableImageException(String message) {
        super(message);
    }
}
