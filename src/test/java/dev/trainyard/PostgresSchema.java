package dev.trainyard;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a test at a PostgreSQL server, in a schema of its own so runs never see each other's rows. The local server
 * comes from {@code TRAINYARD_TEST_POSTGRES_URL} (with {@code TRAINYARD_TEST_POSTGRES_USER} and {@code _PASSWORD});
 * CI points it at its local server. {@link PostgresServer} picks the local server or a container.
 */
public final class PostgresSchema {

    public static final String URL_VARIABLE = "TRAINYARD_TEST_POSTGRES_URL";
    public static final String LOCAL_URL = System.getenv(URL_VARIABLE);
    public static final String LOCAL_USER = System.getenv().getOrDefault("TRAINYARD_TEST_POSTGRES_USER", "postgres");
    public static final String LOCAL_PASSWORD = System.getenv().getOrDefault("TRAINYARD_TEST_POSTGRES_PASSWORD", "");

    private PostgresSchema() {}

    /** @return the schema's name, for {@link #drop} */
    public static String register(DynamicPropertyRegistry registry, String url, String user, String password) {
        String schema = newName();
        settings(url, user, password, schema).forEach((key, value) -> registry.add(key, () -> value));
        return schema;
    }

    /** {@link #drop} on {@code server}; nothing when no schema was made. */
    public static void drop(PostgresServer server, String schema) throws SQLException {
        if (schema != null) {
            drop(server.url(), server.user(), server.password(), schema);
        }
    }

    public static String newName() {
        return "trainyard_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** The datasource and Flyway settings for {@code schema}, created by the first server that starts. */
    public static Map<String, String> settings(String url, String user, String password, String schema) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        settings.put("spring.datasource.username", user);
        settings.put("spring.datasource.password", password);
        settings.put("spring.flyway.schemas", schema);
        settings.put("spring.flyway.create-schemas", "true");
        return settings;
    }

    /** {@link #settings} on {@code server}, as {@code --key=value} arguments for a server process. */
    public static java.util.List<String> arguments(PostgresServer server, String schema) {
        return settings(server.url(), server.user(), server.password(), schema).entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toList();
    }

    public static void drop(String url, String user, String password, String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
    }
}
