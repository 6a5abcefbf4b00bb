package org.openccm.session;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
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

    /** A live session row joined with its user and cabinet; appId is null for plain sessions. */
    record LiveSession(
            String tokenHash,
            long cabinetId,
            String cabinetName,
            long userId,
            String userName,
            Role role,
            String appId,
            Instant lastUsedAt,
            Instant expiresAt) {

        /** OAuth sessions last until their token expires; plain ones also end when left idle. */
        boolean isOAuth() {
            return appId != null;
        }
    }

    /** A session that has just been opened, and whether it replaced the user's live ones. */
    record Opened<T>(T credential, boolean tookOver) {}

    /** A plain session; the id is handed to the client once and only its hash is kept. */
    private String insertPlain(long cabinetId, long userId) {
        String sessionId = Tokens.randomUrlSafe(32);
        Instant now = clock.instant();
        insert(hash(sessionId), cabinetId, userId, null, now, now.plus(properties.absoluteTimeout()));
        return sessionId;
    }

    private void insert(String tokenHash, long cabinetId, long userId, String appId, Instant now, Instant expiresAt) {
        jdbc.sql("""
                        insert into oms_session (token_hash, cabinet_id, user_id, app_id, created_at, last_used_at,
                                                 expires_at)
                        values (?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        tokenHash,
                        cabinetId,
                        userId,
                        appId,
                        Timestamp.from(now),
                        Timestamp.from(now),
                        Timestamp.from(expiresAt))
                .update();
    }

    /**
     * Opens a plain session (see {@link #openAlone}) and returns its session id. Transactional
     * itself: openAlone's row lock only holds inside a transaction, and a call from within this
     * class does not pass through the transactional proxy.
     */
    @Transactional
    Opened<String> openPlain(long cabinetId, long userId, boolean takeOver) {
        return openAlone(userId, takeOver, () -> insertPlain(cabinetId, userId));
    }

    /**
     * Opens the server-side row of an OAuth session (see {@link #openAlone}). The row is keyed by
     * the hash of the token's jti and ends when the token does; deleting it revokes the token.
     */
    @Transactional
    <T> Opened<T> openOAuth(
            long cabinetId,
            long userId,
            String appId,
            boolean takeOver,
            Supplier<AccessTokens.Issued> issue,
            java.util.function.Function<AccessTokens.Issued, T> answer) {
        return openAlone(userId, takeOver, () -> {
            AccessTokens.Issued issued = issue.get();
            insert(hash(issued.jti()), cabinetId, userId, appId, clock.instant(), issued.expiresAt());
            return answer.apply(issued);
        });
    }

    /**
     * Opens a session unless the user has a live one: then the old ones end first when taking over
     * is asked for, and otherwise the login is refused (-50141). The user's row is locked for the
     * duration, so that parallel logins of one user cannot both pass.
     */
    @Transactional
    <T> Opened<T> openAlone(long userId, boolean takeOver, Supplier<T> open) {
        jdbc.sql("select id from oms_user where id = ? for update")
                .param(userId)
                .query(Long.class)
                .single();
        boolean tookOver = false;
        if (hasLiveSession(userId)) {
            if (!takeOver) {
                throw new OmsException(
                        ErrorCode.USER_NOT_ALLOWED,
                        "The user already has a live session; send connectForcefully Y to take it over.");
            }
            closeAllOf(userId);
            tookOver = true;
        }
        return new Opened<>(open.get(), tookOver);
    }

    private boolean hasLiveSession(long userId) {
        Instant now = clock.instant();
        return jdbc.sql("""
                                select count(*) from oms_session
                                where user_id = ? and expires_at > ? and (app_id is not null or last_used_at > ?)""")
                        .params(userId, Timestamp.from(now), Timestamp.from(now.minus(properties.idleTimeout())))
                        .query(Long.class)
                        .single()
                > 0;
    }

    private void closeAllOf(long userId) {
        jdbc.sql("delete from oms_session where user_id = ?").param(userId).update();
    }

    /** Ends every session of the cabinet but the one kept (the supervisor who locks it). */
    int closeAllInCabinetExcept(long cabinetId, String keptTokenHash) {
        return jdbc.sql("delete from oms_session where cabinet_id = ? and token_hash <> ?")
                .params(cabinetId, keptTokenHash)
                .update();
    }

    /** The live session for this id, if it is neither idle too long nor past its absolute end. */
    Optional<LiveSession> findLive(String sessionId) {
        return findLiveByHash(hash(sessionId));
    }

    /** Like {@link #findLive}, by the stored hash (for OAuth sessions, of the token's jti). */
    Optional<LiveSession> findLiveByHash(String tokenHash) {
        Instant now = clock.instant();
        Optional<LiveSession> found = jdbc.sql("""
                        select s.token_hash, s.cabinet_id, c.name as cabinet_name, s.user_id, u.user_name, u.role,
                               s.app_id, s.last_used_at, s.expires_at
                        from oms_session s
                        join cabinet c on c.id = s.cabinet_id
                        join oms_user u on u.id = s.user_id
                        where s.token_hash = ? and u.alive and u.role <> 'NONE'
                          and (u.expires_at is null or u.expires_at > ?)""")
                .params(tokenHash, Timestamp.from(now))
                .query((rs, n) -> new LiveSession(
                        rs.getString("token_hash"),
                        rs.getLong("cabinet_id"),
                        rs.getString("cabinet_name"),
                        rs.getLong("user_id"),
                        rs.getString("user_name"),
                        Role.valueOf(rs.getString("role")),
                        rs.getString("app_id"),
                        rs.getTimestamp("last_used_at").toInstant(),
                        rs.getTimestamp("expires_at").toInstant()))
                .optional();
        return found.filter(session -> now.isBefore(session.expiresAt())
                && (session.isOAuth() || now.isBefore(session.lastUsedAt().plus(properties.idleTimeout()))));
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

    /** A session that can no longer be used, for the audit trail before it is deleted. */
    record Ended(String tokenHash, String cabinetName, String userName, String appId) {}

    /** Sessions past their end (or left idle, for plain ones), at most a batch at a time. */
    java.util.List<Ended> findEnded(int limit) {
        Instant now = clock.instant();
        return jdbc.sql("""
                        select s.token_hash, c.name as cabinet_name, u.user_name, s.app_id
                        from oms_session s
                        join cabinet c on c.id = s.cabinet_id
                        join oms_user u on u.id = s.user_id
                        where s.expires_at <= ? or (s.app_id is null and s.last_used_at <= ?)
                        order by s.expires_at
                        limit ?""")
                .params(Timestamp.from(now), Timestamp.from(now.minus(properties.idleTimeout())), limit)
                .query((rs, n) -> new Ended(
                        rs.getString("token_hash"),
                        rs.getString("cabinet_name"),
                        rs.getString("user_name"),
                        rs.getString("app_id")))
                .list();
    }

    static String hash(String sessionId) {
        return Tokens.sha256Hex(sessionId);
    }
}
