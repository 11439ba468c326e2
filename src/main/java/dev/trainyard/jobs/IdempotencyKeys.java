package dev.trainyard.jobs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code Idempotency-Key}s of job submissions, unique per owner by the table's primary key. */
@Repository
class IdempotencyKeys {

    /** A key's first use: the hash of the request it came with and the job that request created. */
    record Use(String requestHash, UUID jobId) {}

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The key's use since {@code notBefore}, if any. */
    Optional<Use> find(String owner, String key, Instant notBefore) {
        return jdbc.sql("select request_hash, job_id from idempotency_keys where owner = :owner and idem_key = :key "
                        + "and created_at >= :notBefore")
                .param("owner", owner)
                .param("key", key)
                .param("notBefore", notBefore.atOffset(ZoneOffset.UTC))
                .query((rs, row) -> new Use(rs.getString("request_hash"), UUID.fromString(rs.getString("job_id"))))
                .optional();
    }

    /** Forgets the key's use if it is older than {@code before}, so the key can be used again. */
    void forgetExpired(String owner, String key, Instant before) {
        jdbc.sql("delete from idempotency_keys where owner = :owner and idem_key = :key and created_at < :before")
                .param("owner", owner)
                .param("key", key)
                .param("before", before.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Forgets every key used before {@code before}. @return how many */
    int purgeOlderThan(Instant before) {
        return jdbc.sql("delete from idempotency_keys where created_at < :before")
                .param("before", before.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Records the key's first use; a concurrent first use of the same key fails on the primary key. */
    void insert(String owner, String key, String requestHash, UUID jobId, Instant now) {
        jdbc.sql("insert into idempotency_keys (owner, idem_key, request_hash, job_id, created_at) "
                        + "values (:owner, :key, :hash, :job, :now)")
                .param("owner", owner)
                .param("key", key)
                .param("hash", requestHash)
                .param("job", jobId.toString())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }
}
