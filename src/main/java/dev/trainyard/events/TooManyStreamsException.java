package dev.trainyard.events;

import dev.trainyard.system.TooManyRequestsException;

/** The caller holds as many open streams, or waiting long polls, on this server as it may. */
class TooManyStreamsException extends TooManyRequestsException {

    TooManyStreamsException(String what, int limit) {
        super("you already have " + limit + " " + what + " open on this server; close one, or wait for one to end");
    }

    @Override
    public long retryAfterSeconds() {
        return 5;
    }
}
