package org.openccm.session;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openccm.session.PasswordDigests.StoredPassword;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Cabinets and their users, as stored in the database. */
@Repository
public class Directory {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final PasswordDigests digests = new PasswordDigests();
    private final SessionProperties properties;

    public Directory(JdbcClient jdbc, Clock clock, SessionProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** A cabinet as the API sees it. */
    public record Cabinet(long id, String name, boolean locked) {}

    /** A user with the state that login checks; the stored password never leaves this package. */
    record Account(
            long id,
            long cabinetId,
            String userName,
            Role role,
            boolean alive,
            Instant expiresAt,
            StoredPassword password,
            int failedLogins,
            Instant lockedUntil) {

        boolean isExpired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }

        boolean isLockedOut(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }
    }

    public Optional<Cabinet> findCabinet(String name) {
        return jdbc.sql("select id, name, locked from cabinet where name = ?")
                .param(name)
                .query((rs, n) -> new Cabinet(rs.getLong("id"), rs.getString("name"), rs.getBoolean("locked")))
                .optional();
    }

    public boolean hasAnyCabinet() {
        return jdbc.sql("select count(*) from cabinet").query(Long.class).single() > 0;
    }

    @Transactional
    public Cabinet createCabinet(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("A cabinet name has 1-32 letters, digits, '.', '_' or '-'");
        }
        jdbc.sql("insert into cabinet (name, locked, created_at) values (?, false, ?)")
                .params(name, now())
                .update();
        return findCabinet(name).orElseThrow();
    }

    public void setCabinetLocked(long cabinetId, boolean locked) {
        jdbc.sql("update cabinet set locked = ? where id = ?")
                .params(locked, cabinetId)
                .update();
    }

    /** Creates a user; the password is kept only as slow hashes of its digests. */
    public long createUser(long cabinetId, String userName, String password, Role role) {
        if (userName == null || userName.isBlank() || userName.length() > 32) {
            throw new IllegalArgumentException("A user name has 1-32 characters");
        }
        StoredPassword stored = digests.protect(password, properties.allowMd5Digest());
        jdbc.sql("""
                        insert into oms_user (cabinet_id, user_name, role, alive, hash_sha256, hash_sha512,
                                              hash_md5, failed_logins, created_at)
                        values (?, ?, ?, true, ?, ?, ?, 0, ?)""")
                .params(cabinetId, userName, role.name(), stored.sha256(), stored.sha512(), stored.md5(), now())
                .update();
        return jdbc.sql("select id from oms_user where cabinet_id = ? and user_name = ?")
                .params(cabinetId, userName)
                .query(Long.class)
                .single();
    }

    /**
     * Changes what a user may do; the user's open sessions end, so the change applies at once.
     *
     * @return how many sessions ended
     */
    @Transactional
    public int setUserState(long userId, boolean alive, Instant expiresAt, Role role) {
        jdbc.sql("update oms_user set alive = ?, expires_at = ?, role = ? where id = ?")
                .params(alive, timestamp(expiresAt), role.name(), userId)
                .update();
        return jdbc.sql("delete from oms_session where user_id = ?")
                .param(userId)
                .update();
    }

    /** The users of a cabinet, by name; the stored passwords stay in this package. */
    List<Account> listAccounts(long cabinetId) {
        return jdbc
                .sql("select user_name from oms_user where cabinet_id = ? order by user_name")
                .param(cabinetId)
                .query(String.class)
                .list()
                .stream()
                .map(name -> findAccount(cabinetId, name).orElseThrow())
                .toList();
    }

    Optional<Account> findAccount(long cabinetId, String userName) {
        return jdbc.sql("""
                        select id, cabinet_id, user_name, role, alive, expires_at, hash_sha256, hash_sha512,
                               hash_md5, failed_logins, locked_until
                        from oms_user where cabinet_id = ? and user_name = ?""")
                .params(cabinetId, userName)
                .query((rs, n) -> new Account(
                        rs.getLong("id"),
                        rs.getLong("cabinet_id"),
                        rs.getString("user_name"),
                        Role.valueOf(rs.getString("role")),
                        rs.getBoolean("alive"),
                        instant(rs.getTimestamp("expires_at")),
                        new StoredPassword(
                                rs.getString("hash_sha256"), rs.getString("hash_sha512"), rs.getString("hash_md5")),
                        rs.getInt("failed_logins"),
                        instant(rs.getTimestamp("locked_until"))))
                .optional();
    }

    /**
     * Counts a wrong password and locks the account for a while once the limit is reached. One
     * statement, so that guesses sent in parallel are all counted.
     */
    void recordFailedLogin(Account account) {
        jdbc.sql("""
                        update oms_user
                        set locked_until = case when failed_logins + 1 >= ? then ? else locked_until end,
                            failed_logins = case when failed_logins + 1 >= ? then 0 else failed_logins + 1 end
                        where id = ?""")
                .params(
                        properties.maxFailedLogins(),
                        timestamp(clock.instant().plus(properties.lockoutDuration())),
                        properties.maxFailedLogins(),
                        account.id())
                .update();
    }

    void recordSuccessfulLogin(Account account) {
        if (account.failedLogins() != 0 || account.lockedUntil() != null) {
            jdbc.sql("update oms_user set failed_logins = 0, locked_until = null where id = ?")
                    .param(account.id())
                    .update();
        }
    }

    PasswordDigests digests() {
        return digests;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
