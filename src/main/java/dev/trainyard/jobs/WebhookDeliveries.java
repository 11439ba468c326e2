package dev.trainyard.jobs;

import static dev.trainyard.system.SqlTimes.instant;
import static dev.trainyard.system.SqlTimes.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The webhook delivery table. Rows are created by {@link JobEventLog} with the events they report; senders on any
 * replica take due rows by a lease ({@link #claim}), so each attempt is made by one sender, and a sender that dies
 * mid-request leaves its row to be tried again once the lease runs out. Recording an outcome bumps the job's version,
 * as the job shows its deliveries.
 */
@Repository
public class WebhookDeliveries {

    private static final String VIEW_COLUMNS = "d.id, e.type, d.event_seq, d.status, d.attempts, d.last_status, "
            + "d.last_error, d.next_attempt_at, d.finished_at";

    private final JdbcClient jdbc;

    public WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Pending deliveries due at {@code now} and not leased, the earliest due first. */
    public List<WebhookDelivery.Message> due(Instant now, int limit) {
        return jdbc.sql("select d.id, d.job_id, e.owner, d.url, d.attempts, e.type, e.data, e.created_at "
                        + "from webhook_deliveries d join job_events e on e.seq = d.event_seq "
                        + "where d.status = 'PENDING' and d.next_attempt_at <= :now "
                        + "and (d.leased_until is null or d.leased_until < :now) "
                        + "order by d.next_attempt_at, d.event_seq fetch first :limit rows only")
                .param("now", timestamp(now))
                .param("limit", limit)
                .query((rs, row) -> new WebhookDelivery.Message(
                        UUID.fromString(rs.getString("id")),
                        UUID.fromString(rs.getString("job_id")),
                        rs.getString("owner"),
                        rs.getString("url"),
                        rs.getInt("attempts"),
                        rs.getString("type"),
                        rs.getString("data"),
                        instant(rs, "created_at")))
                .list();
    }

    /**
     * Takes a due delivery for one attempt until {@code leaseUntil}; false when another sender took it first (or
     * it was already tried {@code attemptsSeen} times since it was read).
     */
    public boolean claim(UUID id, int attemptsSeen, Instant now, Instant leaseUntil) {
        return jdbc.sql("update webhook_deliveries set attempts = attempts + 1, leased_until = :until "
                                + "where id = :id and status = 'PENDING' and attempts = :seen "
                                + "and (leased_until is null or leased_until < :now)")
                        .param("id", id.toString())
                        .param("seen", attemptsSeen)
                        .param("now", timestamp(now))
                        .param("until", timestamp(leaseUntil))
                        .update()
                == 1;
    }

    /** The receiver answered {@code status} (a 2xx). */
    @Transactional
    public void delivered(WebhookDelivery.Message message, int status, Instant now) {
        jdbc.sql("update webhook_deliveries set status = 'DELIVERED', last_status = :status, last_error = null, "
                        + "leased_until = null, next_attempt_at = null, finished_at = :now where id = :id")
                .param("id", message.id().toString())
                .param("status", status)
                .param("now", timestamp(now))
                .update();
        touchJob(message.jobId());
    }

    /**
     * An attempt failed: with {@code retryAt}, the delivery is tried again then; without, it has FAILED.
     *
     * @param status the receiver's HTTP status, null when it did not answer
     */
    @Transactional
    public void attemptFailed(
            WebhookDelivery.Message message, Integer status, String error, Instant retryAt, Instant now) {
        jdbc.sql("update webhook_deliveries set status = :state, last_status = :status, last_error = :error, "
                        + "leased_until = null, next_attempt_at = :retryAt, finished_at = :finished where id = :id")
                .param("id", message.id().toString())
                .param("state", retryAt == null ? "FAILED" : "PENDING")
                .param("status", status, Types.INTEGER)
                .param("error", error.length() > 500 ? error.substring(0, 500) : error)
                .param("retryAt", retryAt == null ? null : timestamp(retryAt), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("finished", retryAt == null ? timestamp(now) : null, Types.TIMESTAMP_WITH_TIMEZONE)
                .update();
        touchJob(message.jobId());
    }

    /** The job's newest deliveries first, at most {@code limit}. */
    public List<WebhookDelivery> ofJob(UUID jobId, int limit) {
        return jdbc.sql("select " + VIEW_COLUMNS
                        + " from webhook_deliveries d join job_events e on e.seq = d.event_seq "
                        + "where d.job_id = :job order by d.event_seq desc fetch first :limit rows only")
                .param("job", jobId.toString())
                .param("limit", limit)
                .query(WebhookDeliveries::delivery)
                .list();
    }

    private void touchJob(UUID jobId) {
        jdbc.sql("update jobs set version = version + 1 where id = :id")
                .param("id", jobId.toString())
                .update();
    }

    private static WebhookDelivery delivery(ResultSet rs, int row) throws SQLException {
        return new WebhookDelivery(
                UUID.fromString(rs.getString("id")),
                rs.getString("type"),
                rs.getLong("event_seq"),
                WebhookDelivery.Status.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getObject("last_status", Integer.class),
                rs.getString("last_error"),
                instant(rs, "next_attempt_at"),
                instant(rs, "finished_at"));
    }
}
