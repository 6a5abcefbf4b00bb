package org.openccm.servicemanager;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The registered asynchronous services of each cabinet. A service's desired worker count is kept
 * in the database: the queue workers of every instance read it, so starting, stopping and
 * rescaling apply to all instances and survive restarts.
 */
@Repository
public class Services {
    private static final RowMapper<Service> SERVICE = (rs, n) -> new Service(
            rs.getLong("id"),
            rs.getString("name"),
            rs.getString("service_type"),
            rs.getString("channel_name"),
            rs.getString("work_kind"),
            rs.getInt("desired_count"),
            rs.getLong("processed_count"));

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String hostName = localHostName();

    public Services(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A registered service; count is 0 when stopped. */
    public record Service(
            long id, String name, String type, String channelName, String workKind, int count, long processed) {
        public boolean isRunning() {
            return count > 0;
        }
    }

    public void register(
            long cabinetId, long id, String name, String type, String channel, String workKind, int count) {
        jdbc.sql("""
                        insert into oms_service (cabinet_id, id, name, service_type, channel_name, work_kind,
                            desired_count, processed_count, updated_at)
                        values (?, ?, ?, ?, ?, ?, ?, 0, ?)""")
                .params(cabinetId, id, name, type, channel, workKind, count, Timestamp.from(clock.instant()))
                .update();
    }

    public List<Service> list(long cabinetId, String type) {
        if (type.isEmpty()) {
            return jdbc.sql("select * from oms_service where cabinet_id = ? order by id")
                    .param(cabinetId)
                    .query(SERVICE)
                    .list();
        }
        return jdbc.sql("select * from oms_service where cabinet_id = ? and service_type = ? order by id")
                .params(cabinetId, type)
                .query(SERVICE)
                .list();
    }

    public Optional<Service> find(long cabinetId, long id) {
        return jdbc.sql("select * from oms_service where cabinet_id = ? and id = ?")
                .params(cabinetId, id)
                .query(SERVICE)
                .optional();
    }

    void setCount(long cabinetId, long id, int count) {
        jdbc.sql("update oms_service set desired_count = ?, updated_at = ? where cabinet_id = ? and id = ?")
                .params(count, Timestamp.from(clock.instant()), cabinetId, id)
                .update();
    }

    /** Counts one processed queue record for the service that handles this kind of work. */
    public void countProcessed(long cabinetId, String workKind) {
        countProcessed(cabinetId, workKind, 1);
    }

    /** Adds records a service processed, e.g. the records of one batch chunk. */
    public void countProcessed(long cabinetId, String workKind, int records) {
        if (records <= 0) {
            return;
        }
        jdbc.sql("update oms_service set processed_count = processed_count + ? where cabinet_id = ? and work_kind = ?")
                .params(records, cabinetId, workKind)
                .update();
    }

    /** The host (or container) this instance runs on. */
    public String hostName() {
        return hostName;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
