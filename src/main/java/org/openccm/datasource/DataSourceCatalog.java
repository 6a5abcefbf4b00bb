package org.openccm.datasource;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openccm.shared.security.SecretBox;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The data sources of each cabinet, as supervisors configure them. Every value is checked before
 * it is stored; the password is sealed with {@link SecretBox} and never leaves this class in
 * clear except to open a pool.
 */
@Repository
class DataSourceCatalog {
    static final String MASK = "****";

    private static final RowMapper<DataSourceDefinition> DEFINITION = (rs, n) -> new DataSourceDefinition(
            rs.getLong("cabinet_id"),
            rs.getString("name"),
            rs.getString("jdbc_url"),
            rs.getString("username"),
            rs.getString("password_sealed"),
            rs.getInt("pool_size"),
            rs.getLong("revision"));

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecretBox secrets;
    private final DataSourcesProperties properties;

    DataSourceCatalog(JdbcClient jdbc, Clock clock, SecretBox secrets, DataSourcesProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.secrets = secrets;
        this.properties = properties;
    }

    /** What a supervisor sends: the password in clear, or {@link #MASK} to keep the stored one. */
    record Settings(String url, String username, String password, String poolSize) {
        @Override
        public String toString() {
            return "Settings[url=" + url + ", username=" + username + ", password=****, poolSize=" + poolSize + "]";
        }
    }

    Optional<DataSourceDefinition> find(long cabinetId, String name) {
        return jdbc.sql("select * from data_source where cabinet_id = ? and name = ?")
                .params(cabinetId, name)
                .query(DEFINITION)
                .optional();
    }

    List<DataSourceDefinition> list(long cabinetId) {
        return jdbc.sql("select * from data_source where cabinet_id = ? order by name")
                .param(cabinetId)
                .query(DEFINITION)
                .list();
    }

    void create(long cabinetId, String name, Settings settings) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
            throw new IllegalArgumentException("A data source name has 1-32 letters, digits, '.', '_' or '-' and"
                    + " starts with a letter or digit.");
        }
        if (MASK.equals(settings.password())) {
            throw new IllegalArgumentException("Field 'password' has no stored value to keep; send it.");
        }
        int poolSize = checked(settings);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                        insert into data_source (cabinet_id, name, jdbc_url, username, password_sealed, pool_size,
                                                 revision, created_at, updated_at)
                        values (?, ?, ?, ?, ?, ?, 1, ?, ?)""")
                .params(
                        cabinetId,
                        name,
                        settings.url(),
                        settings.username(),
                        sealed(settings.password()),
                        poolSize,
                        now,
                        now)
                .update();
    }

    /**
     * Replaces a data source's settings. A password sent back as {@link #MASK} keeps the stored
     * one, but only while the URL stays the same: otherwise a supervisor could send the stored
     * password to a server of his choosing.
     *
     * @return false when there is no such data source
     */
    boolean replace(long cabinetId, String name, Settings settings) {
        Optional<DataSourceDefinition> existing = find(cabinetId, name);
        if (existing.isEmpty()) {
            return false;
        }
        int poolSize = checked(settings);
        String password;
        if (MASK.equals(settings.password())) {
            if (!existing.get().hasPassword()) {
                throw new IllegalArgumentException("Field 'password' has no stored value to keep; send it.");
            }
            if (!Objects.equals(existing.get().url(), settings.url())) {
                throw new IllegalArgumentException("Field 'password' must be sent again when the url changes.");
            }
            password = existing.get().sealedPassword();
        } else {
            password = sealed(settings.password());
        }
        jdbc.sql("""
                        update data_source
                        set jdbc_url = ?, username = ?, password_sealed = ?, pool_size = ?, revision = revision + 1,
                            updated_at = ?
                        where cabinet_id = ? and name = ?""")
                .params(
                        settings.url(),
                        settings.username(),
                        password,
                        poolSize,
                        Timestamp.from(clock.instant()),
                        cabinetId,
                        name)
                .update();
        return true;
    }

    /**
     * Deletes a data source that no product names.
     *
     * @return false when there is no such data source
     */
    boolean delete(long cabinetId, String name) {
        List<String> users = jdbc.sql("select name from product where cabinet_id = ? and data_source = ? order by name")
                .params(cabinetId, name)
                .query(String.class)
                .list();
        if (!users.isEmpty()) {
            throw new IllegalArgumentException("The data source '" + name + "' is used by the products "
                    + String.join(", ", users.subList(0, Math.min(10, users.size())))
                    + (users.size() > 10 ? " and others" : "") + ".");
        }
        return jdbc.sql("delete from data_source where cabinet_id = ? and name = ?")
                        .params(cabinetId, name)
                        .update()
                > 0;
    }

    /** The password in clear, for opening a pool only. */
    String password(DataSourceDefinition definition) {
        return definition.hasPassword() ? secrets.decrypt(definition.sealedPassword()) : "";
    }

    /**
     * Seals every stored password again under the current key.
     *
     * @param cabinetId only this cabinet's, or every cabinet's when null
     * @return how many passwords were sealed again
     */
    int resealPasswords(Long cabinetId) {
        List<DataSourceDefinition> all = cabinetId == null
                ? jdbc.sql("select * from data_source").query(DEFINITION).list()
                : list(cabinetId);
        int resealed = 0;
        for (DataSourceDefinition definition : all) {
            if (definition.hasPassword() && !secrets.isSealedWithCurrentKey(definition.sealedPassword())) {
                // Only if nobody changed it meanwhile; the revision stays, since the clear text is the same.
                resealed += jdbc.sql("""
                                update data_source set password_sealed = ?
                                where cabinet_id = ? and name = ? and password_sealed = ?""")
                        .params(
                                secrets.reseal(definition.sealedPassword()),
                                definition.cabinetId(),
                                definition.name(),
                                definition.sealedPassword())
                        .update();
            }
        }
        return resealed;
    }

    private int checked(Settings settings) {
        JdbcUrlPolicy.check(settings.url(), properties.allowedHostSet());
        String username = settings.username();
        if (username == null || username.isEmpty() || username.length() > 128) {
            throw new IllegalArgumentException("Field 'username' is mandatory, at most 128 characters.");
        }
        if (username.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Field 'username' must not hold control characters.");
        }
        if (settings.password() != null && settings.password().length() > 500) {
            throw new IllegalArgumentException("Field 'password' is longer than 500 characters.");
        }
        String poolSize = settings.poolSize() == null || settings.poolSize().isEmpty() ? "4" : settings.poolSize();
        int max = properties.maxPoolSize();
        if (!poolSize.matches("[1-9][0-9]{0,3}") || Integer.parseInt(poolSize) > max) {
            throw new IllegalArgumentException("Field 'poolSize' must be a whole number from 1 to " + max + ".");
        }
        return Integer.parseInt(poolSize);
    }

    private String sealed(String password) {
        return password == null || password.isEmpty() ? null : secrets.encrypt(password);
    }
}
