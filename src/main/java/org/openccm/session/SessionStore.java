package org.openccm.session;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.security.Tokens;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sessions live in the database so that any instance can serve any session. Only a SHA-256 of
 * each session id is stored: a leaked table does not hand out live sessions.
 */
@Repository
class SessionStore {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final SessionProperties properties;

    SessionStore(JdbcClient jdbc, Clock clock, SessionProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** A live session row joined with its user and cabinet. */
    record LiveSession(
            String tokenHash,
            long cabinetId,
            String cabinetName,
            long userId,
            String userName,
            Role role,
            Instant lastUsedAt,
            Instant expiresAt) {}

    /** Opens a session and returns the session id to hand to the client (shown only once). */
    private String open(long cabinetId, long userId) {
        String sessionId = Tokens.randomUrlSafe(32);
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into oms_session (token_hash, cabinet_id, user_id, created_at, last_used_at, expires_at)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(
                        hash(sessionId),
                        cabinetId,
                        userId,
                        Timestamp.from(now),
                        Timestamp.from(now),
                        Timestamp.from(now.plus(properties.absoluteTimeout())))
                .update();
        return sessionId;
    }

    /**
     * Opens a session unless the user has a live one: then the old ones end first when taking over
     * is asked for, and otherwise the login is refused (-50141). The user's row is locked for the
     * duration, so that parallel logins of one user cannot both pass.
     */
    @Transactional
    String openAlone(long cabinetId, long userId, boolean takeOver) {
        jdbc.sql("select id from oms_user where id = ? for update")
                .param(userId)
                .query(Long.class)
                .single();
        if (hasLiveSession(userId)) {
            if (!takeOver) {
                throw new OmsException(
                        ErrorCode.USER_NOT_ALLOWED,
                        "The user already has a live session; send connectForcefully Y to take it over.");
            }
            closeAllOf(userId);
        }
        return open(cabinetId, userId);
    }

    private boolean hasLiveSession(long userId) {
        Instant now = clock.instant();
        return jdbc.sql("select count(*) from oms_session where user_id = ? and expires_at > ? and last_used_at > ?")
                        .params(userId, Timestamp.from(now), Timestamp.from(now.minus(properties.idleTimeout())))
                        .query(Long.class)
                        .single()
                > 0;
    }

    private void closeAllOf(long userId) {
        jdbc.sql("delete from oms_session where user_id = ?").param(userId).update();
    }

    /** The live session for this id, if it is neither idle too long nor past its absolute end. */
    Optional<LiveSession> findLive(String sessionId) {
        Instant now = clock.instant();
        Optional<LiveSession> found = jdbc.sql("""
                        select s.token_hash, s.cabinet_id, c.name as cabinet_name, s.user_id, u.user_name, u.role,
                               s.last_used_at, s.expires_at
                        from oms_session s
                        join cabinet c on c.id = s.cabinet_id
                        join oms_user u on u.id = s.user_id
                        where s.token_hash = ? and u.alive and u.role <> 'NONE'
                          and (u.expires_at is null or u.expires_at > ?)""")
                .params(hash(sessionId), Timestamp.from(now))
                .query((rs, n) -> new LiveSession(
                        rs.getString("token_hash"),
                        rs.getLong("cabinet_id"),
                        rs.getString("cabinet_name"),
                        rs.getLong("user_id"),
                        rs.getString("user_name"),
                        Role.valueOf(rs.getString("role")),
                        rs.getTimestamp("last_used_at").toInstant(),
                        rs.getTimestamp("expires_at").toInstant()))
                .optional();
        return found.filter(session -> now.isBefore(session.expiresAt())
                && now.isBefore(session.lastUsedAt().plus(properties.idleTimeout())));
    }

    /** Moves the idle deadline; written at most once per touch interval to spare the database. */
    void touch(LiveSession session) {
        Instant now = clock.instant();
        if (session.lastUsedAt().plus(properties.touchInterval()).isBefore(now)) {
            jdbc.sql("update oms_session set last_used_at = ? where token_hash = ?")
                    .params(Timestamp.from(now), session.tokenHash())
                    .update();
        }
    }

    boolean close(String tokenHash) {
        return jdbc.sql("delete from oms_session where token_hash = ?")
                        .param(tokenHash)
                        .update()
                > 0;
    }

    int purgeExpired() {
        Instant now = clock.instant();
        return jdbc.sql("delete from oms_session where expires_at <= ? or last_used_at <= ?")
                .params(Timestamp.from(now), Timestamp.from(now.minus(properties.idleTimeout())))
                .update();
    }

    static String hash(String sessionId) {
        return Tokens.sha256Hex(sessionId);
    }
}
