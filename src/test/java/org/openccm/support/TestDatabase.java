package org.openccm.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Chooses the database of a test run: the embedded H2 (default) or, with -Dtest.db=postgres, the
 * real PostgreSQL server, in a schema of its own so that runs never see each other's rows.
 */
public final class TestDatabase {
    /** t_<epoch seconds>_<random>: the time lets later runs drop schemas that runs left behind. */
    private static final String SCHEMA = "t_" + Instant.now().getEpochSecond() + "_"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private static final Duration ABANDONED_AFTER = Duration.ofHours(6);

    private TestDatabase() {}

    public static boolean isPostgres() {
        return "postgres".equals(System.getProperty("test.db", "h2").toLowerCase(Locale.ROOT));
    }

    /** Points the application at the chosen database. */
    public static void register(DynamicPropertyRegistry registry) {
        register(registry, "");
    }

    /** Like {@link #register(DynamicPropertyRegistry)}, in a separate schema for a separate context. */
    public static void register(DynamicPropertyRegistry registry, String suffix) {
        if (!isPostgres()) {
            return;
        }
        String schema = SCHEMA + suffix;
        String url = System.getProperty("test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("test.postgres.user", "postgres");
        createSchema(url, user, schema);
        registry.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> user);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
    }

    private static void dropAbandonedSchemas(Connection connection) throws SQLException {
        long cutoff = Instant.now().minus(ABANDONED_AFTER).getEpochSecond();
        List<String> abandoned = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet schemas = statement.executeQuery(
                        "select schema_name from information_schema.schemata where schema_name like 't\\_%'")) {
            while (schemas.next()) {
                String name = schemas.getString(1);
                String[] parts = name.split("_");
                if (parts.length >= 3 && parts[1].matches("\\d{9,12}") && Long.parseLong(parts[1]) < cutoff) {
                    abandoned.add(name);
                }
            }
        }
        for (String name : abandoned) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + name + " cascade");
            }
        }
    }

    private static synchronized void createSchema(String url, String user, String schema) {
        try (Connection connection = DriverManager.getConnection(url, user, "");
                Statement statement = connection.createStatement()) {
            dropAbandonedSchemas(connection);
            statement.execute("create schema if not exists " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " is not reachable: " + e.getMessage(), e);
        }
    }
}
