package org.openccm.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openccm.shared.security.SecretBox;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery channels configured per cabinet: a name, a type and settings. Settings that are
 * secrets (passwords, tokens) are encrypted before they are stored and are never returned.
 */
@Repository
public class Channels {
    /** Setting names whose values are secrets. */
    static final Set<String> SECRET_SETTINGS = Set.of("password", "token", "apiKey", "authToken");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecretBox secrets;
    private final ObjectMapper json = JsonMapper.builder().build();

    public Channels(JdbcClient jdbc, Clock clock, SecretBox secrets) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** A configured channel; settings hold secrets encrypted. */
    public record Channel(String name, String type, Map<String, String> settings) {
        @Override
        public String toString() {
            return "Channel[" + name + ", " + type + "]";
        }
    }

    public boolean exists(long cabinetId, String name) {
        return find(cabinetId, name).isPresent();
    }

    public Optional<Channel> find(long cabinetId, String name) {
        return jdbc.sql("select name, channel_type, settings from channel where cabinet_id = ? and name = ?")
                .params(cabinetId, name)
                .query((rs, n) -> new Channel(rs.getString(1), rs.getString(2), parse(rs.getString(3))))
                .optional();
    }

    public List<Channel> list(long cabinetId) {
        return jdbc.sql("select name, channel_type, settings from channel where cabinet_id = ? order by name")
                .param(cabinetId)
                .query((rs, n) -> new Channel(rs.getString(1), rs.getString(2), parse(rs.getString(3))))
                .list();
    }

    /** Settings as an administrator may see them: secrets replaced by "****". */
    public static Map<String, String> masked(Channel channel) {
        Map<String, String> view = new LinkedHashMap<>();
        channel.settings().forEach((key, value) -> view.put(key, SECRET_SETTINGS.contains(key) ? "****" : value));
        return view;
    }

    /** A secret setting in clear, for the moment of use only. */
    String secret(Channel channel, String name) {
        String stored = channel.settings().get(name);
        return stored == null || stored.isEmpty() ? null : secrets.decrypt(stored);
    }

    public void create(long cabinetId, String name, String type, Map<String, String> settings) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("A channel name has 1-32 letters, digits, '.', '_' or '-'");
        }
        if (type == null || !type.matches("MAIL|SMS|WHATSAPP|FACEBOOK|TWITTER")) {
            throw new IllegalArgumentException("A channel type is MAIL, SMS, WHATSAPP, FACEBOOK or TWITTER");
        }
        Map<String, String> stored = new LinkedHashMap<>();
        settings.forEach((key, value) -> stored.put(
                key,
                SECRET_SETTINGS.contains(key) && value != null && !value.isEmpty() ? secrets.encrypt(value) : value));
        jdbc.sql("insert into channel (cabinet_id, name, channel_type, settings, created_at) values (?, ?, ?, ?, ?)")
                .params(cabinetId, name, type, json.writeValueAsString(stored), Timestamp.from(clock.instant()))
                .update();
    }

    private Map<String, String> parse(String settings) {
        if (settings == null || settings.isBlank()) {
            return Map.of();
        }
        return json.readValue(settings, new TypeReference<LinkedHashMap<String, String>>() {});
    }
}
