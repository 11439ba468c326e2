package dev.trainyard.jobs;

import dev.trainyard.system.UnprocessableRequestException;
import java.util.UUID;

/** An {@code Idempotency-Key} was sent again with a different request; answered 422 and nothing is stored. */
public class IdempotencyKeyReusedException extends UnprocessableRequestException {

    public IdempotencyKeyReusedException(String key, UUID jobId) {
        super("Idempotency-Key '" + key + "' was already used with a different request (it created job " + jobId
                + "); send a new key for a new job");
    }

    @Override
    public String title() {
        return "Idempotency key reused";
    }
}
