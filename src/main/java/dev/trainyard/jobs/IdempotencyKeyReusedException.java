package dev.trainyard.jobs;

import dev.trainyard.system.UnprocessableRequestException;
import java.util.UUID;

/** An {@code Idempotency-Key} was sent again with a different request; answered 422 and nothing is stored. */
public class IdempotencyKeyReusedException extends UnprocessableRequestException {

    /** @param kind what the key's first request created: a job, an experiment */
    public IdempotencyKeyReusedException(String key, String kind, UUID created) {
        super("Idempotency-Key '" + key + "' was already used with a different request (it created " + kind + " "
                + created + "); send a new key for a new " + kind);
    }

    @Override
    public String title() {
        return "Idempotency key reused";
    }
}
