package dev.trainyard.jobs;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * On an H2 database kept in a file, every commit is in the file before the caller is answered and before any other
 * request can read it, so a process killed at any moment loses nothing that a client was told or shown.
 *
 * <p>why: H2's MVStore has no redo log; it keeps commits in memory and writes them to its file in the background up
 * to {@code WRITE_DELAY} (500 ms) later. {@code WRITE_DELAY=0} writes each commit but also stops the background
 * thread that compacts the file, which then grew by about 16.5 KB per commit (docs/benchmarks.md). So connections
 * here keep the background compaction and issue {@code CHECKPOINT} (H2's "write the store now": a write to the file,
 * not an fsync) after every commit that changed something. A commit is visible to other sessions a moment before its
 * checkpoint has written it, so a commit and its checkpoint hold a lock that reads outside a transaction (every read
 * the API answers from) wait for: a request never shows what a crash could still take away. A write outside a
 * transaction runs as a transaction of its own for that. That holds when the process dies; surviving the loss of the
 * machine's power takes PostgreSQL. An H2 URL that sets {@code WRITE_DELAY} itself is left as it is.
 */
@Configuration(proxyBeanMethods = false)
class DurableH2Commits {

    private static final Set<String> EXECUTES = Set.of(
            "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

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
        return url != null
                && url.startsWith("jdbc:h2:")
                && !url.startsWith("jdbc:h2:mem:")
                && !url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=");
    }

    /** Hands out connections whose commits are written to the file before anyone reads them. */
    static final class CheckpointingDataSource extends DelegatingDataSource {

        /** Commits with their checkpoints take it exclusively; reads outside transactions shared. */
        private final ReadWriteLock visibility = new ReentrantReadWriteLock();

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

        private Connection checkpointing(Connection connection) {
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class},
                    new CheckpointingConnection(connection, visibility));
        }
    }

    /** One connection: tracks whether its open transaction wrote, and commits it durably. */
    private static final class CheckpointingConnection implements InvocationHandler {

        private final Connection connection;
        private final ReadWriteLock visibility;
        private boolean pendingWrite;

        CheckpointingConnection(Connection connection, ReadWriteLock visibility) {
            this.connection = connection;
            this.visibility = visibility;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "createStatement", "prepareStatement", "prepareCall" -> {
                    return statement((Statement) call(connection, method, args), method.getReturnType());
                }
                case "commit" -> {
                    commitDurably(() -> call(connection, method, args));
                    return null;
                }
                case "setAutoCommit" -> {
                    // why: switching auto-commit on commits the open transaction (JDBC)
                    if (Boolean.TRUE.equals(args[0]) && !connection.getAutoCommit()) {
                        commitDurably(() -> call(connection, method, args));
                        return null;
                    }
                    return call(connection, method, args);
                }
                case "rollback" -> {
                    pendingWrite = false;
                    return call(connection, method, args);
                }
                default -> {
                    return call(connection, method, args);
                }
            }
        }

        private Object statement(Statement statement, Class<?> type) {
            return Proxy.newProxyInstance(
                    Connection.class.getClassLoader(),
                    new Class<?>[] {type},
                    (proxy, method, args) -> EXECUTES.contains(method.getName())
                            ? execute(statement, method, args)
                            : call(statement, method, args));
        }

        /**
         * A read outside a transaction waits while a commit is being written; a write outside one becomes a
         * transaction of its own, committed durably. Inside a transaction, statements only note that they wrote.
         */
        private Object execute(Statement statement, Method method, Object[] args) throws Throwable {
            boolean read = method.getName().equals("executeQuery");
            if (!connection.getAutoCommit()) {
                pendingWrite |= !read;
                return call(statement, method, args);
            }
            if (read) {
                Lock shared = visibility.readLock();
                shared.lock();
                try {
                    return call(statement, method, args);
                } finally {
                    shared.unlock();
                }
            }
            connection.setAutoCommit(false);
            try {
                Object result = call(statement, method, args);
                pendingWrite = true;
                commitDurably(() -> {
                    connection.commit();
                    return null;
                });
                return result;
            } catch (Throwable failure) {
                pendingWrite = false;
                connection.rollback();
                throw failure;
            } finally {
                connection.setAutoCommit(true);
            }
        }

        /** The commit and, if the transaction wrote, its checkpoint, while no read outside a transaction runs. */
        private void commitDurably(Step commit) throws Throwable {
            Lock exclusive = visibility.writeLock();
            exclusive.lock();
            try {
                commit.run();
                if (pendingWrite) {
                    try (Statement checkpoint = connection.createStatement()) {
                        checkpoint.execute("CHECKPOINT");
                    }
                }
            } finally {
                pendingWrite = false;
                exclusive.unlock();
            }
        }

        private static Object call(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @FunctionalInterface
        private interface Step {
            Object run() throws Throwable;
        }
    }
}
