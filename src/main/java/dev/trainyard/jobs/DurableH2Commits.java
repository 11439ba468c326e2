package dev.trainyard.jobs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * On an H2 database kept in a file, every committed write is in the file before the caller is answered, so a
 * process killed at any moment after a 2xx loses nothing it acknowledged.
 *
 * <p>why: H2's MVStore has no redo log; it keeps commits in memory and writes them to its file in the background up
 * to {@code WRITE_DELAY} (500 ms) later. {@code WRITE_DELAY=0} writes each commit but also stops the background
 * thread that compacts the file, which then grew by about 16 KB per commit (1.4 GB a day at one progress write per
 * second; measured, see docs/benchmarks.md). So connections here keep the background compaction and issue
 * {@code CHECKPOINT} (H2's "write the store now": a write to the file, not an fsync) after every commit that changed
 * something. That survives the death of the process; surviving the loss of the machine's power takes PostgreSQL.
 */
@Configuration(proxyBeanMethods = false)
class DurableH2Commits {

    private static final Set<String> WRITES = Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch",
            "executeLargeBatch");

    @Bean
    static BeanPostProcessor checkpointEveryH2Commit() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool && isH2File(pool.getJdbcUrl())) {
                    return new CheckpointingDataSource(pool);
                }
                return bean;
            }
        };
    }

    static boolean isH2File(String url) {
        return url != null && url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
    }

    /** Hands out connections that write the store to its file after each commit that changed something. */
    static final class CheckpointingDataSource extends DelegatingDataSource {

        CheckpointingDataSource(DataSource pool) {
            super(pool);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return checkpointing(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return checkpointing(super.getConnection(username, password));
        }

        private static Connection checkpointing(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new CheckpointingConnection(connection));
        }
    }

    /**
     * Tracks whether the connection wrote since its last checkpoint: in auto-commit mode each write is committed at
     * once; in a transaction, at {@code commit()}. A rolled-back transaction needs none.
     */
    private static final class CheckpointingConnection implements InvocationHandler {

        private final Connection connection;
        private boolean uncheckpointedCommit;
        private boolean pendingWrite;

        CheckpointingConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("close")) {
                checkpointIfCommitted();
            }
            Object result = call(connection, method, args);
            switch (name) {
                case "createStatement", "prepareStatement", "prepareCall" -> {
                    return statement((Statement) result, method.getReturnType());
                }
                case "commit" -> {
                    uncheckpointedCommit |= pendingWrite;
                    pendingWrite = false;
                    checkpointIfCommitted();
                }
                case "rollback" -> pendingWrite = false;
                case "setAutoCommit" -> {
                    // why: switching auto-commit on commits the open transaction (JDBC)
                    if (Boolean.TRUE.equals(args[0])) {
                        uncheckpointedCommit |= pendingWrite;
                        pendingWrite = false;
                        checkpointIfCommitted();
                    }
                }
                default -> {
                }
            }
            return result;
        }

        private Object statement(Statement statement, Class<?> type) {
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> {
                        Object result = call(statement, method, args);
                        if (WRITES.contains(method.getName())) {
                            wrote();
                        }
                        return result;
                    });
        }

        private void wrote() throws SQLException {
            if (connection.getAutoCommit()) {
                uncheckpointedCommit = true;
            } else {
                pendingWrite = true;
            }
        }

        private void checkpointIfCommitted() throws SQLException {
            if (uncheckpointedCommit && !connection.isClosed()) {
                try (Statement checkpoint = connection.createStatement()) {
                    checkpoint.execute("CHECKPOINT");
                }
                uncheckpointedCommit = false;
            }
        }

        private static Object call(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
