package dev.trainyard.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;
import static org.awaitility.Awaitility.await;

import dev.trainyard.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a run's write sees when PostgreSQL ends its session mid-transaction (a replica paused past its lease, the
 * server restarted), told apart from a write the database refused.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(PostgresTestDatabase.class)
@EnabledIf(PostgresTestDatabase.AVAILABLE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class DatabaseOutagePostgresTest {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private PlatformTransactionManager transactions;

    @Test
    void aTransactionEndedByTheIdleTimeoutIsAnOutage() {
        RuntimeException failure = failureOfATransactionWhoseSessionEnds(
                pid -> {
                    // the session's own timeout ends it while it idles in the transaction, as a paused replica's does
                },
                "set local idle_in_transaction_session_timeout = 100");

        assertThat(DatabaseOutage.causedBy(failure)).as(failure.toString()).isTrue();
    }

    @Test
    void aTransactionWhoseSessionWasTerminatedIsAnOutage() {
        RuntimeException failure = failureOfATransactionWhoseSessionEnds(this::terminate, "select 1");

        assertThat(DatabaseOutage.causedBy(failure)).as(failure.toString()).isTrue();
    }

    @Test
    void aRefusedWriteIsNotAnOutage() {
        RuntimeException failure =
                catchRuntimeException(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    jdbc.execute("create temporary table refusing (id int primary key)");
                    jdbc.update("insert into refusing values (1)");
                    jdbc.update("insert into refusing values (1)");
                }));

        assertThat(failure).isNotNull();
        assertThat(DatabaseOutage.causedBy(failure)).as(failure.toString()).isFalse();
    }

    private RuntimeException failureOfATransactionWhoseSessionEnds(SessionEnd end, String firstStatement) {
        RuntimeException failure =
                catchRuntimeException(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    jdbc.execute(firstStatement);
                    int pid = jdbc.queryForObject("select pg_backend_pid()", Integer.class);
                    end.of(pid);
                    await().atMost(Duration.ofSeconds(30)).until(() -> !sessionExists(pid));
                    jdbc.queryForObject("select 1", Integer.class);
                }));
        assertThat(failure).as("the transaction failed").isNotNull();
        return failure;
    }

    private void terminate(int pid) {
        try (Connection other = dataSource.getConnection();
                PreparedStatement statement = other.prepareStatement("select pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean sessionExists(int pid) throws SQLException {
        try (Connection other = dataSource.getConnection();
                PreparedStatement statement = other.prepareStatement("select 1 from pg_stat_activity where pid = ?")) {
            statement.setInt(1, pid);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    @FunctionalInterface
    private interface SessionEnd {
        void of(int pid);
    }
}
