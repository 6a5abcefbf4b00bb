package org.openccm.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** The settings each type of channel takes, with the values each may have (null: free text). */
    private static final Map<String, Map<String, String>> SETTINGS = Map.of(
            "MAIL",
                    settingRules(
                            "transport",
                            "SMTP|OUTBOX",
                            "host",
                            null,
                            "port",
                            "[0-9]{1,5}",
                            "security",
                            "STARTTLS|TLS|NONE",
                            "username",
                            null,
                            "password",
                            null,
                            "from",
                            null,
                            "fallbackRecipient",
                            null),
            "SMS", textRules(),
            "WHATSAPP", textRules(),
            "FACEBOOK", textRules(),
            "TWITTER", textRules());

    private static Map<String, String> textRules() {
        return settingRules(
                "provider",
                "GENERIC|TWILIO|WHATSAPP_CLOUD|FACEBOOK_MESSENGER|FACEBOOK_PAGE|X_POST|X_DM|OUTBOX",
                "url",
                "https?://[^\\s]{1,2000}",
                "token",
                null,
                "apiKey",
                null,
                "authToken",
                null,
                "accountSid",
                "[A-Za-z0-9]{1,64}",
                "from",
                null,
                "phoneNumberId",
                "[A-Za-z0-9]{1,64}",
                "pageId",
                "[A-Za-z0-9]{1,64}",
                "maxSegments",
                "[1-9][0-9]?",
                "timeoutSeconds",
                "[1-9][0-9]?",
                "fallbackRecipient",
                null);
    }

    private static Map<String, String> settingRules(String... pairs) {
        Map<String, String> rules = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            rules.put(pairs[i], pairs[i + 1]);
        }
        return rules;
    }

    /** Refuses unknown settings and values out of their range, naming the setting. */
    private static void checkSettings(String type, Map<String, String> settings) {
        Map<String, String> rules = SETTINGS.get(type);
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            if (!rules.containsKey(setting.getKey())) {
                throw new IllegalArgumentException("A " + type + " channel has no setting '" + setting.getKey()
                        + "'; it takes " + String.join(", ", rules.keySet()));
            }
            String pattern = rules.get(setting.getKey());
            String value = setting.getValue() == null ? "" : setting.getValue();
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(
                        "Setting '" + setting.getKey() + "' must not hold control characters");
            }
            if (pattern != null && !value.matches(pattern)) {
                throw new IllegalArgumentException("Setting '" + setting.getKey() + "' must match " + pattern);
            }
        }
        String url = settings.get("url");
        if (url != null) {
            try {
                URI parsed = new URI(url);
                if (parsed.getHost() == null
                        || parsed.getRawFragment() != null
                        || parsed.getRawUserInfo() != null
                        || parsed.getPort() > 65535) {
                    throw new IllegalArgumentException("Setting 'url' needs a host, and no fragment or user info");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Setting 'url' is not a valid URL");
            }
        }
        String provider = settings.getOrDefault("provider", "OUTBOX");
        if (!"MAIL".equals(type) && !"OUTBOX".equals(provider) && url == null) {
            throw new IllegalArgumentException("Provider " + provider + " needs the setting 'url'");
        }
        if ("MAIL".equals(type) && settings.containsKey("port")) {
            int port = Integer.parseInt(settings.get("port"));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Setting 'port' must be 1 to 65535");
            }
        }
    }

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
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
            throw new IllegalArgumentException(
                    "A channel name has 1-32 letters, digits, '.', '_' or '-' and starts with a letter or digit");
        }
        if (type == null || !SETTINGS.containsKey(type)) {
            throw new IllegalArgumentException("A channel type is MAIL, SMS, WHATSAPP, FACEBOOK or TWITTER");
        }
        checkSettings(type, settings);
        jdbc.sql("insert into channel (cabinet_id, name, channel_type, settings, created_at) values (?, ?, ?, ?, ?)")
                .params(cabinetId, name, type, sealed(settings), Timestamp.from(clock.instant()))
                .update();
    }

    /**
     * Replaces a channel's settings. A secret sent as "****" (as listed) keeps its stored value,
     * so that a client can send back what it read.
     *
     * @return false when there is no such channel
     */
    public boolean replaceSettings(long cabinetId, String name, Map<String, String> settings) {
        Optional<Channel> existing = find(cabinetId, name);
        if (existing.isEmpty()) {
            return false;
        }
        checkSettings(existing.get().type(), settings);
        String choice = "MAIL".equals(existing.get().type()) ? "transport" : "provider";
        if (!settings.containsKey(choice)) {
            throw new IllegalArgumentException("The settings must name the channel's '" + choice + "'");
        }
        Map<String, String> fresh = new LinkedHashMap<>();
        Map<String, String> kept = new LinkedHashMap<>();
        boolean sameAddress =
                Objects.equals(settings.get("url"), existing.get().settings().get("url"))
                        && Objects.equals(
                                settings.get("host"), existing.get().settings().get("host"));
        settings.forEach((key, value) -> {
            if (SECRET_SETTINGS.contains(key) && "****".equals(value)) {
                if (!existing.get().settings().containsKey(key)) {
                    throw new IllegalArgumentException("Setting '" + key + "' has no stored value to keep; send it");
                }
                if (!sameAddress) {
                    throw new IllegalArgumentException(
                            "Setting '" + key + "' must be sent again when the channel's url or host changes");
                }
                kept.put(key, existing.get().settings().get(key));
            } else {
                fresh.put(key, value);
            }
        });
        Map<String, String> stored = new LinkedHashMap<>(parse(sealed(fresh)));
        stored.putAll(kept);
        jdbc.sql("update channel set settings = ? where cabinet_id = ? and name = ?")
                .params(json.writeValueAsString(stored), cabinetId, name)
                .update();
        return true;
    }

    public boolean delete(long cabinetId, String name) {
        return jdbc.sql("delete from channel where cabinet_id = ? and name = ?")
                        .params(cabinetId, name)
                        .update()
                > 0;
    }

    /**
     * Seals every stored channel secret again under the current secrets key.
     *
     * @param cabinetId only this cabinet's channels, or every cabinet's when null
     * @return how many channels had a secret sealed again
     */
    public int resealSecrets(Long cabinetId) {
        List<StoredSettings> all = (cabinetId == null
                        ? jdbc.sql("select cabinet_id, name, settings from channel")
                        : jdbc.sql("select cabinet_id, name, settings from channel where cabinet_id = ?")
                                .param(cabinetId))
                .query((rs, n) -> new StoredSettings(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
        int resealed = 0;
        for (StoredSettings channel : all) {
            Map<String, String> settings = new LinkedHashMap<>(parse(channel.settings()));
            boolean changed = false;
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                String value = setting.getValue();
                if (SecretBox.isEncrypted(value) && !secrets.isSealedWithCurrentKey(value)) {
                    setting.setValue(secrets.reseal(value));
                    changed = true;
                }
            }
            if (changed) {
                // Only if nobody replaced the settings meanwhile.
                resealed += jdbc.sql(
                                "update channel set settings = ? where cabinet_id = ? and name = ? and settings = ?")
                        .params(
                                json.writeValueAsString(settings),
                                channel.cabinetId(),
                                channel.name(),
                                channel.settings())
                        .update();
            }
        }
        return resealed;
    }

    private record StoredSettings(long cabinetId, String name, String settings) {}

    /** The settings as stored: secrets encrypted. */
    private String sealed(Map<String, String> settings) {
        Map<String, String> stored = new LinkedHashMap<>();
        settings.forEach((key, value) -> stored.put(
                key,
                SECRET_SETTINGS.contains(key) && value != null && !value.isEmpty() ? secrets.encrypt(value) : value));
        return json.writeValueAsString(stored);
    }

    private Map<String, String> parse(String settings) {
        if (settings == null || settings.isBlank()) {
            return Map.of();
        }
        return json.readValue(settings, new TypeReference<LinkedHashMap<String, String>>() {});
    }
}
