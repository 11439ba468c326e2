package dev.trainyard.experiments;

import dev.trainyard.system.TooManyRequestsException;

/** The caller already has as many running experiments as allowed; answered 429 with Retry-After, nothing is stored. */
class TooManyRunningExperimentsException extends TooManyRequestsException {

    private static final long RETRY_AFTER_SECONDS = 60;

    TooManyRunningExperimentsException(int limit) {
        super("You have " + limit + " running experiments, the most allowed "
                + "(trainyard.experiments.max-running-per-owner); create another when one has ended, or cancel one");
    }

    @Override
    public long retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }
}
