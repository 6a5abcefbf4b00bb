package org.openccm.session;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The client applications registered for OAuth access, per cabinet. */
@Repository
public class Applications {
    private final JdbcClient jdbc;
    private final Clock clock;

    public Applications(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A registered application; its appId is a random UUID. */
    public record Application(String appId, long cabinetId, String name, Instant createdAt) {}

    public Application register(long cabinetId, String name) {
        if (name == null || !name.matches("[\\p{L}\\p{N} _.-]{1,100}")) {
            throw new IllegalArgumentException(
                    "An application name has 1-100 letters, digits, spaces, '.', '_' or '-'.");
        }
        String appId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        jdbc.sql("insert into oms_application (app_id, cabinet_id, name, created_at) values (?, ?, ?, ?)")
                .params(appId, cabinetId, name, Timestamp.from(now))
                .update();
        return new Application(appId, cabinetId, name, now);
    }

    public List<Application> list(long cabinetId) {
        return jdbc.sql("select app_id, cabinet_id, name, created_at from oms_application where cabinet_id = ?"
                        + " order by created_at, app_id")
                .param(cabinetId)
                .query((rs, n) -> new Application(
                        rs.getString("app_id"),
                        rs.getLong("cabinet_id"),
                        rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    /** The application with this id if it is registered for this cabinet. */
    public Optional<Application> find(long cabinetId, String appId) {
        return jdbc.sql("select app_id, cabinet_id, name, created_at from oms_application"
                        + " where cabinet_id = ? and app_id = ?")
                .params(cabinetId, appId)
                .query((rs, n) -> new Application(
                        rs.getString("app_id"),
                        rs.getLong("cabinet_id"),
                        rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    /** Removes the application and ends the sessions opened through it; false if unknown. */
    @Transactional
    public boolean remove(long cabinetId, String appId) {
        int removed = jdbc.sql("delete from oms_application where cabinet_id = ? and app_id = ?")
                .params(cabinetId, appId)
                .update();
        if (removed > 0) {
            jdbc.sql("delete from oms_session where cabinet_id = ? and app_id = ?")
                    .params(cabinetId, appId)
                    .update();
        }
        return removed > 0;
    }
}
