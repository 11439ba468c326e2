package dev.trainyard.executor;

import java.sql.SQLException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Whether a failed write failed because the database could not be reached or dropped the session, as opposed to a
 * write the database refused. A run keeps its progress in memory through an outage, and does not fail for one.
 *
 * <p>why: a replica paused inside a transaction for longer than its lease finds its session ended by PostgreSQL
 * ({@code idle_in_transaction_session_timeout}); Spring reports that as an uncategorised SQL error, and the rollback
 * on the dead connection as a {@link TransactionSystemException}.
 */
final class DatabaseOutage {

    /** SQL states of a session the server ended: connection exceptions (class 08), idle timeouts, shutdowns. */
    private static final Set<String> SESSION_ENDED = Set.of("25P03", "57P01", "57P02", "57P03", "57P05");

    private DatabaseOutage() {}

    static boolean causedBy(RuntimeException e) {
        if (e instanceof TransientDataAccessException
                || e instanceof DataAccessResourceFailureException
                || e instanceof CannotCreateTransactionException
                || e instanceof TransactionSystemException) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || SESSION_ENDED.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }
}
