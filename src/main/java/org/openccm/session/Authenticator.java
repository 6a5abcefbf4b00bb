package org.openccm.session;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openccm.session.Directory.Account;
import org.openccm.session.Directory.Cabinet;
import org.openccm.session.PasswordDigests.DigestAlgorithm;
import org.openccm.session.SessionStore.LiveSession;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * The one place where callers are authenticated: logins at connectCabinet and the session
 * headers of every other call. The OAuth mode plugs in here as a second way to resolve a caller.
 */
@Service
public class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    public static final String CABINET_HEADER = "cabinetName";
    public static final String SESSION_HEADER = "sessionId";

    private final Directory directory;
    private final SessionStore sessions;
    private final SessionProperties properties;
    private final Clock clock;
    private final Semaphore loginSlots =
            new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()), true);

    Authenticator(Directory directory, SessionStore sessions, SessionProperties properties, Clock clock) {
        this.directory = directory;
        this.sessions = sessions;
        this.properties = properties;
        this.clock = clock;
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
     * Checks the credentials and opens a session.
     *
     * @return the new session id, shown to the client once
     */
    public String login(String cabinetName, LoginAttempt attempt) {
        Cabinet cabinet = directory
                .findCabinet(cabinetName)
                .orElseThrow(
                        () -> new OmsException(ErrorCode.CONNECT_FAILED, "No cabinet is named '" + cabinetName + "'."));
        MDC.put("cabinet", cabinet.name());
        checkLoginFields(attempt);
        if (cabinet.locked()) {
            throw new OmsException(ErrorCode.CABINET_LOCKED, "The cabinet takes no new sessions.");
        }

        acquireLoginSlot();
        try {
            return checkCredentialsAndOpen(cabinet, attempt);
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

    private String checkCredentialsAndOpen(Cabinet cabinet, LoginAttempt attempt) {
        Optional<Account> found = directory.findAccount(cabinet.id(), attempt.userName());
        if (found.isEmpty()) {
            directory.digests().burnEquivalentTime();
            log.info("Login refused in cabinet {}: unknown user", cabinet.name());
            throw properties.hideUnknownUsers()
                    ? new OmsException(ErrorCode.INVALID_PASSWORD, "")
                    : new OmsException(ErrorCode.USER_DOES_NOT_EXIST, "");
        }
        Account account = found.get();
        Instant now = clock.instant();
        if (account.isLockedOut(now)) {
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
            throw new OmsException(ErrorCode.INVALID_PASSWORD, "");
        }
        directory.recordSuccessfulLogin(account);

        checkAccountState(account, now);
        String sessionId = sessions.openAlone(cabinet.id(), account.id(), "Y".equals(attempt.connectForcefully()));
        log.info("User id {} connected to cabinet {}", account.id(), cabinet.name());
        return sessionId;
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

    private static void checkAccountState(Account account, Instant now) {
        if (account.isExpired(now)) {
            throw new OmsException(ErrorCode.USER_EXPIRED, "");
        }
        if (!account.alive()) {
            throw new OmsException(ErrorCode.USER_NOT_ALIVE, "The account is disabled.");
        }
        if (account.role() == Role.NONE) {
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

        String sessionId = request.getHeader(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank() || sessionId.length() > 256) {
            throw new OmsException(ErrorCode.INVALID_SESSION, "The sessionId header is missing.");
        }
        LiveSession session = sessions.findLive(sessionId)
                .filter(live -> live.cabinetId() == cabinet.id())
                .orElseThrow(() -> new OmsException(
                        ErrorCode.INVALID_SESSION, "The session is unknown, expired or belongs to another cabinet."));
        sessions.touch(session);
        return new Caller(cabinet.id(), cabinet.name(), session.userId(), session.userName(), session.role());
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

    /** Ends the session named by the headers. */
    public void logout(HttpServletRequest request) {
        requireCaller(request, ErrorCode.INVALID_SESSION);
        sessions.close(SessionStore.hash(request.getHeader(SESSION_HEADER)));
    }
}
