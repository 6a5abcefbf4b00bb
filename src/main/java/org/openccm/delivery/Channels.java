package org.openccm.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The delivery channels configured per cabinet. Delivery over them arrives with a later step;
 * for now a channel is a name and a type that requests can refer to.
 */
@Repository
public class Channels {
    private final JdbcClient jdbc;
    private final Clock clock;

    public Channels(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A configured channel. */
    public record Channel(String name, String type) {}

    public boolean exists(long cabinetId, String name) {
        return jdbc.sql("select count(*) from channel where cabinet_id = ? and name = ?")
                        .params(cabinetId, name)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public List<Channel> list(long cabinetId) {
        return jdbc.sql("select name, channel_type from channel where cabinet_id = ? order by name")
                .param(cabinetId)
                .query((rs, n) -> new Channel(rs.getString(1), rs.getString(2)))
                .list();
    }

    public void create(long cabinetId, String name, String type) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("A channel name has 1-32 letters, digits, '.', '_' or '-'");
        }
        if (type == null || !type.matches("MAIL|SMS|WHATSAPP|FACEBOOK|TWITTER")) {
            throw new IllegalArgumentException("A channel type is MAIL, SMS, WHATSAPP, FACEBOOK or TWITTER");
        }
        jdbc.sql("insert into channel (cabinet_id, name, channel_type, created_at) values (?, ?, ?, ?)")
                .params(cabinetId, name, type, Timestamp.from(clock.instant()))
                .update();
    }
}
