package org.openccm.generation;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.openccm.shared.security.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Runs the record queries of processUsingDB products. A product's query is written by a
 * supervisor, so it runs under a database account that can only read the tables named in
 * {@code oms.records.tables}, never with the server's own rights: it cannot see users,
 * sessions or other cabinets' requests, call file functions, or write. The key is always a bound
 * parameter, the query has a time limit, and at most two rows are fetched.
 *
 * <p>Without {@code oms.records.url} the server creates that account in its own database (H2 or
 * PostgreSQL) and keeps its generated password in the database, so that every instance uses the
 * same one. If the server's account may not create it, record queries fall back to read-only
 * transactions on the server's own connection, with a warning at start-up.
 *
 * <p>This is the default for products that name no data source; {@code
 * org.openccm.datasource.DataSources} runs the queries of those that name one.
 */
@Component
public class RecordSource implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RecordSource.class);
    private static final String ACCOUNT = "oms_records";

    private final RecordsProperties properties;
    private final DataSource serverDataSource;
    private final HikariDataSource pool;
    private final NamedParameterJdbcTemplate queries;

    public RecordSource(DataSource serverDataSource, JdbcClient serverJdbc, RecordsProperties properties) {
        this.properties = properties;
        this.serverDataSource = serverDataSource;
        this.pool = openPool(serverDataSource, serverJdbc);
        JdbcTemplate template = new JdbcTemplate(pool == null ? serverDataSource : pool);
        template.setMaxRows(2);
        template.setQueryTimeout((int) Math.max(1, properties.queryTimeout().toSeconds()));
        this.queries = new NamedParameterJdbcTemplate(template);
    }

    /**
     * The one record the query finds for the key.
     *
     * @throws AmbiguousRecordException when the key matches more than one record
     */
    public Optional<Map<String, Object>> readOne(String query, String masterKey) {
        List<Map<String, Object>> rows =
                queries.query(query, Map.of("masterKey", masterKey), (rs, n) -> RecordData.fromRow(rs));
        if (rows.size() > 1) {
            throw new AmbiguousRecordException();
        }
        return rows.stream().findFirst();
    }

    /**
     * The connections record queries run on: the restricted account's pool, or the server's own
     * connections when that account could not be set up (callers must then mark them read-only).
     */
    public DataSource connections() {
        return pool != null ? pool : serverDataSource;
    }

    /** The product's query finds more than one record for a key. */
    public static class AmbiguousRecordException extends RuntimeException {
        public AmbiguousRecordException() {
            super("The masterKey matches more than one record.");
        }
    }

    private HikariDataSource openPool(DataSource serverDataSource, JdbcClient serverJdbc) {
        if (!properties.url().isEmpty()) {
            return pool(properties.url(), properties.username(), properties.password());
        }
        try (Connection connection = serverDataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            // The configured URL, not the driver's canonical one, which drops settings such as AUTO_SERVER.
            String url = serverDataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null
                    ? hikari.getJdbcUrl()
                    : connection.getMetaData().getURL();
            String password = sharedPassword(serverJdbc);
            if (product.contains("H2")) {
                createH2Account(serverJdbc, password);
            } else if (product.contains("PostgreSQL")) {
                createPostgresAccount(serverJdbc, connection.getSchema(), password);
            } else {
                throw new SQLException("No restricted account for " + product);
            }
            // Settings that need admin rights (H2's WRITE_DELAY) are the server account's business.
            return pool(url.replaceAll("(?i);WRITE_DELAY=[0-9]+", ""), ACCOUNT, password);
        } catch (RuntimeException | SQLException e) {
            log.warn(
                    "Record queries run on the server's own connection in read-only transactions: could not set up"
                            + " the restricted account ({}). Set oms.records.url to a read-only account.",
                    e.getMessage());
            return null;
        }
    }

    private static String sharedPassword(JdbcClient jdbc) {
        Optional<String> stored = jdbc.sql(
                        "select setting_value from oms_setting where setting_name = 'records.password'")
                .query(String.class)
                .optional();
        if (stored.isPresent()) {
            return stored.get();
        }
        String generated = Tokens.randomUrlSafe(24);
        try {
            jdbc.sql("insert into oms_setting (setting_name, setting_value) values ('records.password', ?)")
                    .param(generated)
                    .update();
            return generated;
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            return sharedPassword(jdbc);
        }
    }

    private void createH2Account(JdbcClient jdbc, String password) {
        jdbc.sql("create user if not exists " + ACCOUNT + " password '" + password + "'")
                .update();
        jdbc.sql("alter user " + ACCOUNT + " set password '" + password + "'").update();
        for (String table : checkedTables()) {
            jdbc.sql("grant select on " + table + " to " + ACCOUNT).update();
        }
    }

    private void createPostgresAccount(JdbcClient jdbc, String schema, String password) {
        boolean exists = jdbc.sql("select count(*) from pg_roles where rolname = ?")
                        .param(ACCOUNT)
                        .query(Long.class)
                        .single()
                > 0;
        if (!exists) {
            jdbc.sql("create role " + ACCOUNT + " login password '" + password + "'")
                    .update();
        }
        jdbc.sql("alter role " + ACCOUNT + " login password '" + password + "'").update();
        jdbc.sql("grant usage on schema \"" + schema.replace("\"", "") + "\" to " + ACCOUNT)
                .update();
        for (String table : checkedTables()) {
            jdbc.sql("grant select on " + table + " to " + ACCOUNT).update();
        }
    }

    private List<String> checkedTables() {
        for (String table : properties.tables()) {
            if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
                throw new IllegalStateException("oms.records.tables holds an invalid table name: " + table);
            }
        }
        return properties.tables();
    }

    private static HikariDataSource pool(String url, String username, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("records");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setReadOnly(true);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5000);
        return new HikariDataSource(config);
    }

    @Override
    public void destroy() {
        if (pool != null) {
            pool.close();
        }
    }
}
