package dev.trainyard.jobs;

import dev.trainyard.system.Violations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code Idempotency-Key}s of one kind of creation (a job, an experiment), unique per owner by their table's
 * primary key. A key is remembered with the hash of the request it first came with and what that request created.
 */
public abstract class IdempotencyKeys {

    private static final Pattern FORMAT = Pattern.compile("[\\x21-\\x7e]{1,200}");

    /** A key's first use: the hash of the request it came with and the id of what that request created. */
    private record Use(String requestHash, UUID createdId) {}

    private final JdbcClient jdbc;
    private final String table;
    private final String createdColumn;
    private final String kind;

    /**
     * @param table         the table of these keys: owner, idem_key, request_hash, {@code createdColumn}, created_at
     * @param createdColumn the column that holds the created resource's id
     * @param kind          what a request creates, as a client reads it: "job"
     */
    protected IdempotencyKeys(JdbcClient jdbc, String table, String createdColumn, String kind) {
        this.jdbc = jdbc;
        this.table = table;
        this.createdColumn = createdColumn;
        this.kind = kind;
    }

    /** Adds a problem under {@code Idempotency-Key} unless {@code key} is null or 1 to 200 visible ASCII characters. */
    public static void checkFormat(String key, Violations violations) {
        if (key != null && !FORMAT.matcher(key).matches()) {
            violations.add("Idempotency-Key", "must be 1 to 200 visible ASCII characters");
        }
    }

    /**
     * What the key's use since {@code notBefore} created, if it was used with this same request.
     *
     * @throws IdempotencyKeyReusedException when it was used with another request
     */
    public Optional<UUID> createdBy(String owner, String key, String requestHash, Instant notBefore) {
        return find(owner, key, notBefore).map(use -> {
            if (!use.requestHash().equals(requestHash)) {
                throw new IdempotencyKeyReusedException(key, kind, use.createdId());
            }
            return use.createdId();
        });
    }

    private Optional<Use> find(String owner, String key, Instant notBefore) {
        return jdbc.sql("select request_hash, " + createdColumn + " from " + table
                        + " where owner = :owner and idem_key = :key and created_at >= :notBefore")
                .param("owner", owner)
                .param("key", key)
                .param("notBefore", notBefore.atOffset(ZoneOffset.UTC))
                .query((rs, row) -> new Use(rs.getString(1), UUID.fromString(rs.getString(2))))
                .optional();
    }

    /**
     * Records the key's first use, in the transaction that creates {@code createdId}; a use older than
     * {@code retention} is forgotten first, so the key can be used again. A concurrent first use of the same key
     * fails on the primary key.
     */
    public void insert(String owner, String key, String requestHash, UUID createdId, Instant now, Duration retention) {
        jdbc.sql("delete from " + table + " where owner = :owner and idem_key = :key and created_at < :before")
                .param("owner", owner)
                .param("key", key)
                .param("before", now.minus(retention).atOffset(ZoneOffset.UTC))
                .update();
        jdbc.sql("insert into " + table + " (owner, idem_key, request_hash, " + createdColumn + ", created_at) "
                        + "values (:owner, :key, :hash, :created, :now)")
                .param("owner", owner)
                .param("key", key)
                .param("hash", requestHash)
                .param("created", createdId.toString())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Forgets every key used before {@code before}. @return how many */
    public int purgeOlderThan(Instant before) {
        return jdbc.sql("delete from " + table + " where created_at < :before")
                .param("before", before.atOffset(ZoneOffset.UTC))
                .update();
    }
}
