package org.openccm.session;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.session.Directory.Account;
import org.openccm.session.Directory.Cabinet;
import org.openccm.session.PasswordDigests.DigestAlgorithm;
import org.openccm.session.SessionStore.LiveSession;
import org.openccm.session.SessionStore.Opened;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.storage.StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * The one place where callers are authenticated: logins at connectCabinet and the session
 * headers of every other call. In OAuth mode (a deployment setting) a login also names a
 * registered application and a lifetime and gets a signed access token; the other calls then
 * carry appId, accessToken and sessionValid, and sessionId is ignored. Either way a session row
 * in the database backs the credential, so that logout, take-over and disabled users end it on
 * every instance.
 */
@Service
public class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    public static final String CABINET_HEADER = "cabinetName";
    public static final String SESSION_HEADER = "sessionId";
    public static final String APP_ID_HEADER = "appId";
    public static final String ACCESS_TOKEN_HEADER = "accessToken";
    public static final String SESSION_VALID_HEADER = "sessionValid";

    /** Actor recorded for refusals before the user name was checked: it may hold anything. */
    static final String UNAUTHENTICATED = "(not authenticated)";

    /** Request attribute holding the stored hash of the caller's session, once resolved. */
    private static final String SESSION_HASH_ATTRIBUTE = "oms.sessionHash";

    private static final String APP_ID_PATTERN =
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    private final Directory directory;
    private final SessionStore sessions;
    private final SessionProperties properties;
    private final Clock clock;
    private final Applications applications;
    private final AuditTrail audit;
    private final AccessTokens tokens;
    private final Semaphore loginSlots =
            new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()), true);

    Authenticator(
            Directory directory,
            SessionStore sessions,
            SessionProperties properties,
            Clock clock,
            Applications applications,
            AuditTrail audit,
            StorageProperties storage) {
        this.directory = directory;
        this.sessions = sessions;
        this.properties = properties;
        this.clock = clock;
        this.applications = applications;
        this.audit = audit;
        this.tokens = properties.oauth() ? new AccessTokens(loadKeys(properties, storage)) : null;
    }

    private static SigningKeys loadKeys(SessionProperties properties, StorageProperties storage) {
        SigningKeys keys = SigningKeys.configuredOrFromFile(
                properties.oauthKeys(),
                properties.oauthSigningKey(),
                storage.dataDir().resolve("oauth-keys"));
        log.info(
                "OAuth mode on: tokens signed with key {}, checked with keys {}, logins of at most {}",
                keys.signingKeyId(),
                keys.keyIds(),
                properties.oauthMaxExpiry());
        return keys;
    }

    /** Whether the deployment runs in OAuth mode. */
    public boolean isOAuthMode() {
        return properties.oauth();
    }

    /** What an OAuth login hands to the client: the three values of the later call headers. */
    public record AccessDetails(String appId, String accessToken, String sessionValid) {
        @Override
        public String toString() {
            return "AccessDetails[appId=" + appId + ", token hidden]";
        }
    }

    /** What a client sent to log in. */
    public record LoginAttempt(
            String userName, String password, String encrFlag, String passAlgoType, String connectForcefully) {
        @Override
        public String toString() {
            return "LoginAttempt[userName hidden, password hidden]";
        }
    }

    /**
     * Checks the credentials and opens a plain session.
     *
     * @return the new session id, shown to the client once
     */
    public String login(String cabinetName, LoginAttempt attempt) {
        return logIn(
                cabinetName,
                attempt,
                cabinet -> {},
                (cabinet, account) -> sessions.openPlain(cabinet.id(), account.id(), takesOver(attempt)),
                "plain session");
    }

    /**
     * OAuth mode: checks the application and the credentials, and opens a session that lasts
     * the asked number of minutes (cut to the server's maximum).
     *
     * @param appId the registered application; missing or malformed is -1000, unknown -50338
     * @param sessionExpiryTime whole minutes, at least 1
     */
    public AccessDetails loginWithApplication(
            String cabinetName, LoginAttempt attempt, String appId, String sessionExpiryTime) {
        if (tokens == null) {
            throw new IllegalStateException("OAuth logins need oms.session.oauth=true");
        }
        return logIn(
                cabinetName,
                attempt,
                cabinet -> requireApplication(cabinet, appId, sessionExpiryTime),
                (cabinet, account) -> {
                    Instant now = clock.instant();
                    Instant expiresAt = now.plus(lifetime(sessionExpiryTime));
                    return sessions.openOAuth(
                            cabinet.id(),
                            account.id(),
                            appId,
                            takesOver(attempt),
                            () -> tokens.issue(appId, cabinet.name(), account.userName(), now, expiresAt),
                            issued -> new AccessDetails(appId, issued.accessToken(), issued.sessionValid()));
                },
                "OAuth session of application " + appId);
    }

    private void requireApplication(Cabinet cabinet, String appId, String sessionExpiryTime) {
        if (appId == null || appId.isBlank() || appId.length() > 64 || !appId.matches(APP_ID_PATTERN)) {
            audit.record(cabinet.name(), UNAUTHENTICATED, AuditAction.LOGIN_FAILED, null, "missing or malformed appId");
            throw new OmsException(ErrorCode.APP_ID_INVALID, "appId must be the id of a registered application.");
        }
        if (applications.find(cabinet.id(), appId).isEmpty()) {
            audit.record(cabinet.name(), UNAUTHENTICATED, AuditAction.LOGIN_FAILED, null, "appId not registered here");
            throw new OmsException(
                    ErrorCode.APP_ID_NOT_REGISTERED, "No application with this appId is registered for the cabinet.");
        }
        lifetime(sessionExpiryTime);
    }

    /** sessionExpiryTime in whole minutes (A02), cut to the configured maximum. */
    private Duration lifetime(String sessionExpiryTime) {
        if (sessionExpiryTime == null || !sessionExpiryTime.strip().matches("[1-9][0-9]{0,5}")) {
            throw new OmsException(
                    ErrorCode.CONNECT_FAILED, "sessionExpiryTime must be a whole number of minutes from 1 to 999999.");
        }
        Duration asked = Duration.ofMinutes(Long.parseLong(sessionExpiryTime.strip()));
        return asked.compareTo(properties.oauthMaxExpiry()) > 0 ? properties.oauthMaxExpiry() : asked;
    }

    private static boolean takesOver(LoginAttempt attempt) {
        return "Y".equals(attempt.connectForcefully());
    }

    private <T> T logIn(
            String cabinetName,
            LoginAttempt attempt,
            Consumer<Cabinet> checkBeforeCredentials,
            BiFunction<Cabinet, Account, Opened<T>> open,
            String kind) {
        Cabinet cabinet = directory
                .findCabinet(cabinetName)
                .orElseThrow(
                        () -> new OmsException(ErrorCode.CONNECT_FAILED, "No cabinet is named '" + cabinetName + "'."));
        MDC.put("cabinet", cabinet.name());
        checkLoginFields(attempt);
        if (cabinet.locked()) {
            audit.record(cabinet.name(), UNAUTHENTICATED, AuditAction.LOGIN_FAILED, null, "cabinet locked");
            throw new OmsException(ErrorCode.CABINET_LOCKED, "The cabinet takes no new sessions.");
        }
        checkBeforeCredentials.accept(cabinet);

        acquireLoginSlot();
        try {
            return checkCredentialsAndOpen(cabinet, attempt, open, kind);
        } finally {
            loginSlots.release();
        }
    }

    /**
     * Each login costs a memory-hard hash; a bounded number run at once, so that a flood of
     * logins cannot take the memory and CPU of the instance.
     */
    private void acquireLoginSlot() {
        try {
            if (!loginSlots.tryAcquire(2, TimeUnit.SECONDS)) {
                throw new OmsException(ErrorCode.CONNECT_FAILED, "Too many logins at once; try again shortly.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OmsException(ErrorCode.CONNECT_FAILED, "Interrupted while waiting to log in.");
        }
    }

    private <T> T checkCredentialsAndOpen(
            Cabinet cabinet, LoginAttempt attempt, BiFunction<Cabinet, Account, Opened<T>> open, String kind) {
        Optional<Account> found = directory.findAccount(cabinet.id(), attempt.userName());
        if (found.isEmpty()) {
            directory.digests().burnEquivalentTime();
            log.info("Login refused in cabinet {}: unknown user", cabinet.name());
            // The typed name is not recorded: users sometimes type their password there.
            audit.record(cabinet.name(), UNAUTHENTICATED, AuditAction.LOGIN_FAILED, null, "unknown user name");
            throw properties.hideUnknownUsers()
                    ? new OmsException(ErrorCode.INVALID_PASSWORD, "")
                    : new OmsException(ErrorCode.USER_DOES_NOT_EXIST, "");
        }
        Account account = found.get();
        Instant now = clock.instant();
        if (account.isLockedOut(now)) {
            refused(cabinet, account, "account locked after repeated wrong passwords");
            if (properties.hideUnknownUsers()) {
                directory.digests().burnEquivalentTime();
                throw new OmsException(ErrorCode.INVALID_PASSWORD, "");
            }
            log.info("Login refused for user id {}: locked out until {}", account.id(), account.lockedUntil());
            throw new OmsException(
                    ErrorCode.USER_NOT_ALIVE,
                    "The account is locked after repeated wrong passwords; try again after " + account.lockedUntil()
                            + ".");
        }
        if (!passwordMatches(attempt, account)) {
            directory.recordFailedLogin(account);
            log.info("Login refused for user id {}: wrong password", account.id());
            refused(cabinet, account, "wrong password");
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "");
        }
        directory.recordSuccessfulLogin(account);

        checkAccountState(cabinet, account, now);
        Opened<T> opened;
        try {
            opened = open.apply(cabinet, account);
        } catch (OmsException refusal) {
            refused(cabinet, account, "user already has a live session");
            throw refusal;
        }
        if (opened.tookOver()) {
            audit.record(
                    cabinet.name(),
                    account.userName(),
                    AuditAction.SESSION_TAKEN_OVER,
                    account.userName(),
                    "earlier sessions ended by a forced login");
        }
        audit.record(cabinet.name(), account.userName(), AuditAction.LOGIN, account.userName(), kind);
        log.info("User id {} connected to cabinet {}", account.id(), cabinet.name());
        return opened.credential();
    }

    private void refused(Cabinet cabinet, Account account, String reason) {
        audit.record(cabinet.name(), account.userName(), AuditAction.LOGIN_FAILED, account.userName(), reason);
    }

    private void checkLoginFields(LoginAttempt attempt) {
        if (attempt.userName().isEmpty() || attempt.userName().length() > 32) {
            throw new OmsException(ErrorCode.USER_DOES_NOT_EXIST, "userName must have 1 to 32 characters.");
        }
        if (!attempt.connectForcefully().matches("[YN]?")) {
            throw new OmsException(ErrorCode.CONNECT_FAILED, "connectForcefully must be Y or N.");
        }
        if (!attempt.encrFlag().matches("[YN]?")) {
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "encrFlag must be Y or N.");
        }
        if (!attempt.passAlgoType().matches("[0-3]?")) {
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "passAlgoType must be 0, 1, 2 or 3.");
        }
        if (attempt.password().isEmpty()) {
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "userPassword is missing.");
        }
        if ("Y".equals(attempt.encrFlag())) {
            DigestAlgorithm algorithm = DigestAlgorithm.ofPassAlgoType(attempt.passAlgoType());
            if (algorithm == null) {
                throw new OmsException(ErrorCode.INVALID_PASSWORD, "encrFlag Y needs passAlgoType 1, 2 or 3.");
            }
            if (algorithm == DigestAlgorithm.MD5 && !properties.allowMd5Digest()) {
                throw new OmsException(ErrorCode.INVALID_PASSWORD, "MD5 digests (passAlgoType 1) are disabled.");
            }
            if (!attempt.password().matches("[0-9a-fA-F]{" + algorithm.hexLength() + "}")) {
                throw new OmsException(
                        ErrorCode.INVALID_PASSWORD,
                        "userPassword must be the " + algorithm.hexLength() + "-character hex digest.");
            }
        } else if (attempt.password().length() > 64) {
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "userPassword is longer than 64 characters.");
        }
    }

    private boolean passwordMatches(LoginAttempt attempt, Account account) {
        PasswordDigests digests = directory.digests();
        if ("Y".equals(attempt.encrFlag())) {
            DigestAlgorithm algorithm = DigestAlgorithm.ofPassAlgoType(attempt.passAlgoType());
            return digests.matchesDigest(algorithm, attempt.password(), account.password());
        }
        return digests.matchesClearText(attempt.password(), account.password());
    }

    private void checkAccountState(Cabinet cabinet, Account account, Instant now) {
        if (account.isExpired(now)) {
            refused(cabinet, account, "account expired");
            throw new OmsException(ErrorCode.USER_EXPIRED, "");
        }
        if (!account.alive()) {
            refused(cabinet, account, "account disabled");
            throw new OmsException(ErrorCode.USER_NOT_ALIVE, "The account is disabled.");
        }
        if (account.role() == Role.NONE) {
            refused(cabinet, account, "no rights on the cabinet");
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "");
        }
    }

    /**
     * Resolves the caller of any operation but connectCabinet from its credential headers.
     *
     * @param unknownCabinet the code this operation answers for a missing or unknown cabinetName
     */
    public Caller requireCaller(HttpServletRequest request, ErrorCode unknownCabinet) {
        String cabinetName = cabinetHeader(request, unknownCabinet);
        Cabinet cabinet = directory
                .findCabinet(cabinetName)
                .orElseThrow(() -> new OmsException(unknownCabinet, "No cabinet is named '" + cabinetName + "'."));
        MDC.put("cabinet", cabinet.name());

        LiveSession session = tokens != null ? oauthSession(request, cabinet) : plainSession(request, cabinet);
        sessions.touch(session);
        request.setAttribute(SESSION_HASH_ATTRIBUTE, session.tokenHash());
        return new Caller(cabinet.id(), cabinet.name(), session.userId(), session.userName(), session.role());
    }

    private LiveSession plainSession(HttpServletRequest request, Cabinet cabinet) {
        String sessionId = request.getHeader(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank() || sessionId.length() > 256) {
            throw new OmsException(ErrorCode.INVALID_SESSION, "The sessionId header is missing or too long.");
        }
        return sessions.findLive(sessionId)
                .filter(live -> live.cabinetId() == cabinet.id() && !live.isOAuth())
                .orElseThrow(() -> new OmsException(
                        ErrorCode.INVALID_SESSION, "The session is unknown, expired or belongs to another cabinet."));
    }

    /**
     * OAuth mode: the three headers must be present and agree with each other, the token must be
     * signed by a listed key and unexpired, and its session row must still be live in this cabinet.
     */
    private LiveSession oauthSession(HttpServletRequest request, Cabinet cabinet) {
        String appId = request.getHeader(APP_ID_HEADER);
        String accessToken = request.getHeader(ACCESS_TOKEN_HEADER);
        String sessionValid = request.getHeader(SESSION_VALID_HEADER);
        if (isBlank(appId) || isBlank(accessToken) || isBlank(sessionValid)) {
            throw new OmsException(
                    ErrorCode.INVALID_SESSION, "OAuth mode needs the appId, accessToken and sessionValid headers.");
        }
        AccessTokens.Claims claims = tokens.verify(accessToken, sessionValid, clock.instant())
                .filter(verified -> verified.appId().equals(appId.strip()))
                .orElseThrow(() -> new OmsException(
                        ErrorCode.INVALID_SESSION, "The access token, appId or sessionValid is invalid or expired."));
        if (!claims.cabinetName().equals(cabinet.name())) {
            throw new OmsException(ErrorCode.INVALID_SESSION, "The access token belongs to another cabinet.");
        }
        return sessions.findLiveByHash(SessionStore.hash(claims.jti()))
                .filter(live -> live.cabinetId() == cabinet.id()
                        && claims.appId().equals(live.appId())
                        && claims.userName().equals(live.userName()))
                .orElseThrow(() -> new OmsException(ErrorCode.INVALID_SESSION, "The session has ended."));
    }

    private static boolean isBlank(String header) {
        return header == null || header.isBlank();
    }

    /** The stored hash of the session that {@link #requireCaller} resolved for this request. */
    static String currentSessionHash(HttpServletRequest request) {
        Object hash = request.getAttribute(SESSION_HASH_ATTRIBUTE);
        if (!(hash instanceof String text)) {
            throw new IllegalStateException("The caller of this request was not resolved");
        }
        return text;
    }

    /** The caller of an admin API call, who must be a supervisor of the cabinet. */
    public Caller requireSupervisor(HttpServletRequest request) {
        Caller caller = requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        if (!caller.role().mayAdminister()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The admin API is for supervisors only.");
        }
        return caller;
    }

    /** The cabinetName header, or the given code when it is missing, blank or too long. */
    public static String cabinetHeader(HttpServletRequest request, ErrorCode missing) {
        String cabinetName = request.getHeader(CABINET_HEADER);
        if (cabinetName == null || cabinetName.isBlank() || cabinetName.length() > 32) {
            throw new OmsException(missing, "The cabinetName header is missing or longer than 32 characters.");
        }
        return cabinetName;
    }

    /** Ends the session named by the headers (in OAuth mode: revokes the token everywhere). */
    public void logout(HttpServletRequest request) {
        Caller caller = requireCaller(request, ErrorCode.INVALID_SESSION);
        if (sessions.close(currentSessionHash(request))) {
            audit.record(
                    caller.cabinetName(),
                    caller.userName(),
                    AuditAction.LOGOUT,
                    caller.userName(),
                    tokens != null ? "OAuth session" : "plain session");
        }
    }
}
