package dev.trainyard;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server that tests starting servers of their own (child processes, several replicas) point them at:
 * the local one named by {@value PostgresSchema#URL_VARIABLE} when it is set (CI sets it), otherwise one Testcontainers
 * container for the whole test run. A test class using it is enabled with {@code @EnabledIf(PostgresServer.AVAILABLE)},
 * so it skips where neither exists. Each test works in a schema of its own ({@link PostgresSchema}).
 */
public record PostgresServer(String url, String user, String password) {

    /** For {@code @EnabledIf}: a local server is named or a Docker engine runs. */
    public static final String AVAILABLE = "dev.trainyard.PostgresServer#available";

    public static boolean available() {
        return PostgresSchema.LOCAL_URL != null
                || DockerClientFactory.instance().isDockerAvailable();
    }

    /** The local server when one is named, else the shared container (started on first use). */
    public static PostgresServer get() {
        return PostgresSchema.LOCAL_URL != null
                ? new PostgresServer(PostgresSchema.LOCAL_URL, PostgresSchema.LOCAL_USER, PostgresSchema.LOCAL_PASSWORD)
                : SharedContainer.SERVER;
    }

    /** Started once per test JVM; Testcontainers removes it when the JVM ends. */
    private static final class SharedContainer {
        static final PostgresServer SERVER = start();

        private static PostgresServer start() {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16");
            container.start();
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
    }
}
