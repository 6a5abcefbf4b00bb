package org.openccm.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit trail of a cabinet: logins, failed logins, session ends, configuration changes and
 * service changes, kept in the database so that every instance writes to one trail.
 *
 * <p>Callers pass names and ids only. Passwords, tokens, session ids, secret setting values and
 * personal data values must never reach {@link #record}: the trail is read by supervisors and
 * kept long. Texts are cut to the column sizes and stripped of control characters.
 */
@Repository
public class AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditTrail(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One recorded event. */
    public record Entry(
            long id,
            String cabinetName,
            Instant occurredAt,
            String actor,
            String action,
            String target,
            String detail) {}

    /** What a supervisor asks for; null or empty fields do not filter. */
    public record Query(String action, String actor, Instant from, Instant to, int limit) {}

    /**
     * Records one event.
     *
     * @param cabinetName the cabinet the event belongs to
     * @param actor the user name who acted, or a fixed label such as "(unknown user)"
     * @param action one of the {@link AuditAction} names
     * @param target what was acted on (a product, channel, user, application or service name)
     * @param detail a short description without secret or personal values; may be null
     */
    public void record(String cabinetName, String actor, String action, String target, String detail) {
        jdbc.sql("""
                        insert into oms_audit (cabinet_name, occurred_at, actor, action, target, detail)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(
                        clean(cabinetName, 32),
                        Timestamp.from(clock.instant()),
                        clean(actor, 64),
                        clean(action, 40),
                        clean(target, 250),
                        clean(detail, 1000))
                .update();
        log.debug("Audit {} by {} on {}", action, actor, target);
    }

    /** Same as {@link #record(String, String, String, String, String)} with a known action. */
    public void record(String cabinetName, String actor, AuditAction action, String target, String detail) {
        record(cabinetName, actor, action.name(), target, detail);
    }

    /** The cabinet's newest entries first, filtered as asked. */
    public List<Entry> find(String cabinetName, Query query) {
        StringBuilder sql = new StringBuilder("""
                select id, cabinet_name, occurred_at, actor, action, target, detail
                from oms_audit where cabinet_name = ?""");
        List<Object> params = new ArrayList<>();
        params.add(cabinetName);
        if (query.action() != null && !query.action().isEmpty()) {
            sql.append(" and action = ?");
            params.add(query.action());
        }
        if (query.actor() != null && !query.actor().isEmpty()) {
            sql.append(" and actor = ?");
            params.add(query.actor());
        }
        if (query.from() != null) {
            sql.append(" and occurred_at >= ?");
            params.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and occurred_at <= ?");
            params.add(Timestamp.from(query.to()));
        }
        sql.append(" order by occurred_at desc, id desc limit ?");
        params.add(query.limit());
        return jdbc.sql(sql.toString())
                .params(params)
                .query((rs, n) -> new Entry(
                        rs.getLong("id"),
                        rs.getString("cabinet_name"),
                        rs.getTimestamp("occurred_at").toInstant(),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("detail")))
                .list();
    }

    private static String clean(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        String printable = text.replaceAll("\\p{Cntrl}", " ");
        return printable.length() <= maxLength ? printable : printable.substring(0, maxLength);
    }
}
