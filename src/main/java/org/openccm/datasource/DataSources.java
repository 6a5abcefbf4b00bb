package org.openccm.datasource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.openccm.generation.RecordData;
import org.openccm.generation.RecordSource;
import org.openccm.generation.RecordSource.AmbiguousRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Runs record queries against a cabinet's named JDBC data sources, or against the server's
 * restricted records account ({@link RecordSource}) when no data source is named.
 *
 * <p>Each named data source gets its own HikariCP pool, opened on first use with read-only
 * connections and no idle minimum. Every call checks the stored revision of its data source, so a
 * pool is closed and rebuilt after any change, and closed after a delete, on every instance. The
 * password is decrypted only to open a pool. Thread-safe.
 *
 * <p>Failures reaching the database come as Spring {@code DataAccessException}s (a data source
 * that cannot be reached in time as {@link CannotGetJdbcConnectionException}).
 */
@Component
public class DataSources implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DataSources.class);

    private final DataSourceCatalog catalog;
    private final RecordSource defaultSource;
    private final DataSourcesProperties properties;
    private final ConcurrentMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();

    DataSources(DataSourceCatalog catalog, RecordSource defaultSource, DataSourcesProperties properties) {
        this.catalog = catalog;
        this.defaultSource = defaultSource;
        this.properties = properties;
    }

    /** A product names a data source its cabinet does not have (any more). */
    public static class UnknownDataSourceException extends RuntimeException {
        UnknownDataSourceException(String name) {
            super("No data source named '" + name + "' in this cabinet.");
        }
    }

    private record PoolKey(long cabinetId, String name) {}

    private record Pool(long revision, HikariDataSource connections, NamedParameterJdbcTemplate singleRecord) {}

    /**
     * The one record a product's query finds for a key, with the key bound as {@code :masterKey}
     * and never spliced into the text; at most two rows are fetched, within the query timeout.
     *
     * @param dataSourceName a data source of the cabinet; null or "" for the server's records account
     * @throws AmbiguousRecordException when the key matches more than one record
     * @throws UnknownDataSourceException when the cabinet has no data source of that name
     */
    public Optional<Map<String, Object>> readOne(
            long cabinetId, String dataSourceName /* null or "" = default */, String query, String masterKey) {
        if (dataSourceName == null || dataSourceName.isEmpty()) {
            return defaultSource.readOne(query, masterKey);
        }
        List<Map<String, Object>> rows = pool(cabinetId, dataSourceName)
                .singleRecord()
                .query(query, Map.of("masterKey", masterKey), (rs, n) -> RecordData.fromRow(rs));
        if (rows.size() > 1) {
            throw new AmbiguousRecordException();
        }
        return rows.stream().findFirst();
    }

    /**
     * Streams every row a query finds to {@code row}, one at a time, through a forward-only,
     * read-only cursor that fetches {@code fetchSize} rows per round trip, so that the rows are
     * never all in memory (on PostgreSQL in a transaction, which its cursors need). Parameters are
     * bound by name ({@code :name}), never spliced. The query runs within the stream timeout. The
     * consumer runs on the calling thread while the connection is held; an exception it throws ends
     * the stream and travels to the caller.
     *
     * @param dataSourceName a data source of the cabinet; null or "" for the server's records account
     * @param sql one SELECT, written by a supervisor or the server, never from request data
     * @param params values of the named parameters
     * @param fetchSize rows fetched per round trip (1 to 100000)
     * @param row receives each row as {@code {Record={column=value}}}, see {@link RecordData#fromRow}
     * @return how many rows were streamed
     * @throws UnknownDataSourceException when the cabinet has no data source of that name
     */
    public long stream(
            long cabinetId,
            String dataSourceName,
            String sql,
            Map<String, Object> params,
            int fetchSize,
            Consumer<Map<String, Object>> row) {
        if (fetchSize < 1 || fetchSize > 100_000) {
            throw new IllegalArgumentException("fetchSize must be 1 to 100000, not " + fetchSize);
        }
        DataSource connections = dataSourceName == null || dataSourceName.isEmpty()
                ? defaultSource.connections()
                : pool(cabinetId, dataSourceName).connections();
        Connection connection;
        try {
            connection = connections.getConnection();
        } catch (SQLException e) {
            throw new CannotGetJdbcConnectionException("No connection for a streamed query", e);
        }
        try (connection) {
            return streamOn(connection, sql, params, fetchSize, row);
        } catch (SQLException e) {
            throw new CannotGetJdbcConnectionException("A streamed query's connection failed", e);
        }
    }

    private long streamOn(
            Connection connection,
            String sql,
            Map<String, Object> params,
            int fetchSize,
            Consumer<Map<String, Object>> row)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        boolean readOnly = connection.isReadOnly();
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        try {
            JdbcTemplate template = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            template.setFetchSize(fetchSize);
            template.setQueryTimeout(seconds(properties.streamTimeout().toSeconds()));
            long[] count = {0};
            new NamedParameterJdbcTemplate(template).query(sql, params == null ? Map.of() : params, rs -> {
                row.accept(RecordData.fromRow(rs));
                count[0]++;
            });
            return count[0];
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
            connection.setReadOnly(readOnly);
        }
    }

    /** Whether the cabinet has a data source of that name. */
    public boolean exists(long cabinetId, String name) {
        return catalog.find(cabinetId, name).isPresent();
    }

    /**
     * Seals every stored data source password again under the current secrets key.
     *
     * @param cabinetId only this cabinet's, or every cabinet's when null
     * @return how many passwords were sealed again
     */
    public int resealPasswords(Long cabinetId) {
        return catalog.resealPasswords(cabinetId);
    }

    /** Closes this instance's pool of a data source after a change or delete; the next use rebuilds it. */
    void evict(long cabinetId, String name) {
        Pool removed = pools.remove(new PoolKey(cabinetId, name));
        if (removed != null) {
            close(removed, name);
        }
    }

    private Pool pool(long cabinetId, String name) {
        PoolKey key = new PoolKey(cabinetId, name);
        Optional<DataSourceDefinition> definition = catalog.find(cabinetId, name);
        if (definition.isEmpty()) {
            evict(cabinetId, name);
            throw new UnknownDataSourceException(name);
        }
        return pools.compute(key, (k, cached) -> {
            if (cached != null && cached.revision() == definition.get().revision()) {
                return cached;
            }
            if (cached != null) {
                close(cached, name);
            }
            return open(definition.get());
        });
    }

    private Pool open(DataSourceDefinition definition) {
        JdbcUrlPolicy.Driver driver = JdbcUrlPolicy.check(definition.url(), properties.allowedHostSet());
        HikariConfig config = new HikariConfig();
        config.setPoolName("datasource-" + definition.cabinetId() + "-" + definition.name());
        config.setJdbcUrl(definition.url());
        config.setUsername(definition.username());
        config.setPassword(catalog.password(definition));
        config.setReadOnly(true);
        config.setMaximumPoolSize(definition.poolSize());
        config.setMinimumIdle(Math.min(1, definition.poolSize()));
        config.setMinimumIdle(0);
        config.setIdleTimeout(120_000);
        config.setConnectionTimeout(properties.connectionTimeout().toMillis());
        // Open lazily: no connection until the first query, and no failure at creation.
        config.setInitializationFailTimeout(-1);
        switch (driver) {
            case POSTGRESQL -> config.addDataSourceProperty("readOnlyMode", "always");
            case MARIADB -> {
                config.addDataSourceProperty("allowLocalInfile", "false");
                config.addDataSourceProperty("allowMultiQueries", "false");
                config.addDataSourceProperty("permitRedirect", "false");
            }
            case H2 -> {
                // An H2 server enforces nothing for read-only connections: its account must only read.
            }
        }
        HikariDataSource connections = new HikariDataSource(config);
        JdbcTemplate template = new JdbcTemplate(connections);
        template.setMaxRows(2);
        template.setQueryTimeout(seconds(properties.queryTimeout().toSeconds()));
        log.info(
                "Data source {} of cabinet {} has a pool of up to {} connections (revision {})",
                definition.name(),
                definition.cabinetId(),
                definition.poolSize(),
                definition.revision());
        return new Pool(definition.revision(), connections, new NamedParameterJdbcTemplate(template));
    }

    private static int seconds(long seconds) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
    }

    private static void close(Pool pool, String name) {
        log.info("Data source {}: pool of revision {} closed", name, pool.revision());
        pool.connections().close();
    }

    @Override
    public void destroy() {
        pools.forEach((key, pool) -> pool.connections().close());
        pools.clear();
    }
}
