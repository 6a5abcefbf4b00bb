package org.openccm.datasource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.openccm.generation.RecordData;
import org.openccm.generation.RecordSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.stereotype.Component;

/** Interim: record reads on the server's own database until per-cabinet data sources land. */
@Component
public class DataSources {
    private final RecordSource records;
    private final DataSource server;

    public DataSources(RecordSource records, DataSource server) {
        this.records = records;
        this.server = server;
    }

    public Optional<Map<String, Object>> readOne(
            long cabinetId, String dataSourceName, String query, String masterKey) {
        return records.readOne(query, masterKey);
    }

    public long stream(
            long cabinetId,
            String dataSourceName,
            String sql,
            Map<String, Object> params,
            int fetchSize,
            Consumer<Map<String, Object>> row) {
        MapSqlParameterSource source = new MapSqlParameterSource(params);
        String parsed = NamedParameterUtils.substituteNamedParameters(sql, source);
        Object[] values = NamedParameterUtils.buildValueArray(sql, params);
        try (Connection connection = server.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (PreparedStatement statement =
                    connection.prepareStatement(parsed, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(fetchSize);
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                long count = 0;
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        row.accept(RecordData.fromRow(rs));
                        count++;
                    }
                }
                return count;
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The dataset query failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
