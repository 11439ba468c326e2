package dev.trainyard;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL database of a Spring test context: the local server named by
 * {@value PostgresSchema#URL_VARIABLE} when it is set (CI sets it), in a schema of the context's own that is dropped
 * with it; otherwise a Testcontainers container, connected with {@code @ServiceConnection}. A test class that imports
 * this is enabled with {@code @EnabledIf(PostgresTestDatabase.AVAILABLE)}, so it skips where neither exists.
 */
@TestConfiguration(proxyBeanMethods = false)
public class PostgresTestDatabase {

    /** For {@code @EnabledIf}: a local server is named or a Docker engine runs. */
    public static final String AVAILABLE = "dev.trainyard.PostgresTestDatabase#available";

    public static boolean available() {
        return PostgresServer.available();
    }

    @Bean
    @ServiceConnection
    @Conditional(NoLocalServer.class)
    PostgreSQLContainer postgresContainer() {
        return new PostgreSQLContainer("postgres:16");
    }

    @Bean
    @Conditional(LocalServer.class)
    LocalSchema localPostgres() throws SQLException {
        return new LocalSchema(PostgresSchema.newName());
    }

    /** A schema on the local server, created with the context and dropped when it closes. */
    public static final class LocalSchema implements JdbcConnectionDetails, AutoCloseable {

        private final String schema;

        LocalSchema(String schema) throws SQLException {
            this.schema = schema;
            execute("create schema " + schema);
        }

        @Override
        public String getJdbcUrl() {
            String url = PostgresSchema.LOCAL_URL;
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        @Override
        public String getUsername() {
            return PostgresSchema.LOCAL_USER;
        }

        @Override
        public String getPassword() {
            return PostgresSchema.LOCAL_PASSWORD;
        }

        @Override
        public void close() throws SQLException {
            execute("drop schema if exists " + schema + " cascade");
        }

        private static void execute(String sql) throws SQLException {
            try (Connection connection = DriverManager.getConnection(
                            PostgresSchema.LOCAL_URL, PostgresSchema.LOCAL_USER, PostgresSchema.LOCAL_PASSWORD);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    static final class LocalServer implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return PostgresSchema.LOCAL_URL != null;
        }
    }

    static final class NoLocalServer implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return PostgresSchema.LOCAL_URL == null;
        }
    }
}
