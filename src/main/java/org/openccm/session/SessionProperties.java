package org.openccm.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Session and login policy.
 *
 * @param idleTimeout a session unused this long is over
 * @param absoluteTimeout a session is over this long after login, however busy
 * @param maxFailedLogins wrong passwords in a row before the account is locked
 * @param lockoutDuration how long such a lock lasts
 * @param allowMd5Digest accept passAlgoType 1 (MD5); off by default because MD5 is broken
 * @param hideUnknownUsers answer -50127 instead of -50003 so that callers cannot probe user names
 * @param touchInterval the last-use time is written at most this often per session
 * @param oauth OAuth mode: connectCabinet needs appId and sessionExpiryTime and answers signed
 *     tokens, and every other call carries appId, accessToken and sessionValid instead of sessionId
 * @param oauthMaxExpiry the longest login an OAuth client may ask for; longer requests are cut
 * @param oauthKeys the token signing keys, {@code kid:base64} separated by commas or new lines;
 *     empty means the generated key file in the data folder
 * @param oauthSigningKey the kid of the key that signs new tokens; empty means the first listed
 */
@ConfigurationProperties("oms.session")
public record SessionProperties(
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("12h") Duration absoluteTimeout,
        @DefaultValue("5") int maxFailedLogins,
        @DefaultValue("15m") Duration lockoutDuration,
        @DefaultValue("false") boolean allowMd5Digest,
        @DefaultValue("false") boolean hideUnknownUsers,
        @DefaultValue("30s") Duration touchInterval,
        @DefaultValue("false") boolean oauth,
        @DefaultValue("24h") Duration oauthMaxExpiry,
        @DefaultValue("") String oauthKeys,
        @DefaultValue("") String oauthSigningKey) {

    public SessionProperties {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.compareTo(absoluteTimeout) > 0) {
            throw new IllegalArgumentException(
                    "oms.session.idle-timeout must be positive and at most absolute-timeout");
        }
        if (maxFailedLogins < 1 || lockoutDuration.isNegative()) {
            throw new IllegalArgumentException("oms.session.max-failed-logins must be at least 1");
        }
        if (touchInterval.compareTo(idleTimeout) >= 0) {
            throw new IllegalArgumentException("oms.session.touch-interval must be shorter than idle-timeout");
        }
        if (oauthMaxExpiry.toMinutes() < 1) {
            throw new IllegalArgumentException("oms.session.oauth-max-expiry must be at least one minute");
        }
    }
}
