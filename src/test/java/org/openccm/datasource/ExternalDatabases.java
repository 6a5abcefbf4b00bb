package org.openccm.datasource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The real database servers the data source tests use on 127.0.0.1: PostgreSQL (5432, database
 * test, user postgres with trust authentication) and MariaDB (3306, database test, root without a
 * password). Tests skip themselves when a server is not reachable.
 */
final class ExternalDatabases {
    static final String POSTGRES_URL = System.getProperty("test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String POSTGRES_USER = System.getProperty("test.postgres.user", "postgres");
    static final String MARIADB_URL = System.getProperty("test.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test");
    static final String MARIADB_USER = System.getProperty("test.mariadb.user", "root");

    private ExternalDatabases() {}

    static boolean postgresReachable() {
        return reachable(POSTGRES_URL, POSTGRES_USER);
    }

    static boolean mariadbReachable() {
        return reachable(MARIADB_URL, MARIADB_USER);
    }

    static Connection postgres() throws SQLException {
        return DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
    }

    static Connection mariadb() throws SQLException {
        return DriverManager.getConnection(MARIADB_URL, MARIADB_USER, "");
    }

    /** A table name no other run uses. */
    static String uniqueTable() {
        return "ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static boolean reachable(String url, String user) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", "");
        properties.setProperty("connectTimeout", url.startsWith("jdbc:postgresql") ? "3" : "3000");
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            return connection.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }
}
