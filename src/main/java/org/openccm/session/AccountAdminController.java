package org.openccm.session;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.session.Directory.Account;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admin API for accounts and access (supervisors only): OAuth applications, users' state and
 * the cabinet lock. Every change is recorded in the audit trail; disabling, expiring or demoting a
 * user and locking the cabinet end the sessions concerned at once.
 */
@RestController
@RequestMapping(path = "/admin", produces = "application/json")
class AccountAdminController {
    private static final Logger log = LoggerFactory.getLogger(AccountAdminController.class);

    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final Directory directory;
    private final Applications applications;
    private final SessionStore sessions;
    private final AuditTrail audit;

    AccountAdminController(
            Authenticator authenticator,
            RequestBodies bodies,
            Directory directory,
            Applications applications,
            SessionStore sessions,
            AuditTrail audit) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.directory = directory;
        this.applications = applications;
        this.sessions = sessions;
        this.audit = audit;
    }

    @GetMapping("/applications")
    List<Map<String, Object>> listApplications(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return applications.list(caller.cabinetId()).stream()
                .map(AccountAdminController::describe)
                .toList();
    }

    @PostMapping("/applications")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> registerApplication(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Applications.Application application;
        try {
            application = applications.register(caller.cabinetId(), RequestBodies.text(body, "name"));
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.APPLICATION_REGISTERED,
                application.appId(),
                "name " + application.name());
        return describe(application);
    }

    @DeleteMapping("/applications/{appId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeApplication(HttpServletRequest request, @PathVariable String appId) {
        Caller caller = authenticator.requireSupervisor(request);
        if (!applications.remove(caller.cabinetId(), appId)) {
            throw new OmsException(ErrorCode.APP_ID_NOT_REGISTERED, "No application with this appId.");
        }
        audit.record(
                caller.cabinetName(), caller.userName(), AuditAction.APPLICATION_REMOVED, appId, "its sessions ended");
    }

    @GetMapping("/users")
    List<Map<String, Object>> listUsers(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return directory.listAccounts(caller.cabinetId()).stream()
                .map(AccountAdminController::describe)
                .toList();
    }

    @PostMapping("/users")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> createUser(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        String userName = RequestBodies.text(body, "userName");
        String password = RequestBodies.text(body, "password");
        Role role = role(RequestBodies.text(body, "role"));
        if (password.length() < 8 || password.length() > 64) {
            throw OmsException.invalidInput("password must have 8 to 64 characters.");
        }
        try {
            directory.createUser(caller.cabinetId(), userName, password, role);
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        Account created = requireAccount(caller, userName);
        Instant expiresAt = expiry(body, null);
        if (expiresAt != null) {
            directory.setUserState(created.id(), true, expiresAt, role);
        }
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.USER_CHANGED,
                userName,
                "created with role " + role + (expiresAt == null ? "" : ", expires " + expiresAt));
        return describe(requireAccount(caller, userName));
    }

    /** Changes role, alive and expiresAt; fields left out keep their value. */
    @PatchMapping("/users/{userName}")
    Map<String, Object> changeUser(HttpServletRequest request, @PathVariable String userName) {
        Caller caller = authenticator.requireSupervisor(request);
        Account account = requireAccount(caller, userName);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Role role = body.has("role") ? role(RequestBodies.text(body, "role")) : account.role();
        boolean alive = body.has("alive") ? alive(body.get("alive")) : account.alive();
        Instant expiresAt = expiry(body, account.expiresAt());
        if (account.id() == caller.userId()
                && (role != Role.SUPERVISOR || !alive || !Objects.equals(expiresAt, account.expiresAt()))) {
            throw OmsException.invalidInput(
                    "A supervisor cannot demote, disable or expire their own account; ask another supervisor.");
        }

        int ended = directory.setUserState(account.id(), alive, expiresAt, role);

        log.info("User id {} changed: role {}, alive {}, {} sessions ended", account.id(), role, alive, ended);
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.USER_CHANGED,
                userName,
                "role " + account.role() + " -> " + role + ", alive " + account.alive() + " -> " + alive
                        + ", expiresAt " + account.expiresAt() + " -> " + expiresAt + ", " + ended
                        + " sessions ended");
        return describe(requireAccount(caller, userName));
    }

    @GetMapping("/cabinet")
    Map<String, Object> cabinet(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return describe(directory.findCabinet(caller.cabinetName()).orElseThrow());
    }

    /**
     * Locks the cabinet: no new sessions (-50125) and every other session ends. The caller's own
     * session stays, so that the same supervisor can unlock the cabinet afterwards.
     */
    @PostMapping("/cabinet/lock")
    Map<String, Object> lock(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);

        directory.setCabinetLocked(caller.cabinetId(), true);
        int ended = sessions.closeAllInCabinetExcept(caller.cabinetId(), Authenticator.currentSessionHash(request));

        log.info("Cabinet {} locked; {} sessions ended", caller.cabinetName(), ended);
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.CABINET_LOCKED,
                caller.cabinetName(),
                ended + " other sessions ended");
        return describe(directory.findCabinet(caller.cabinetName()).orElseThrow());
    }

    @PostMapping("/cabinet/unlock")
    Map<String, Object> unlock(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);

        directory.setCabinetLocked(caller.cabinetId(), false);

        log.info("Cabinet {} unlocked", caller.cabinetName());
        audit.record(caller.cabinetName(), caller.userName(), AuditAction.CABINET_UNLOCKED, caller.cabinetName(), null);
        return describe(directory.findCabinet(caller.cabinetName()).orElseThrow());
    }

    private Account requireAccount(Caller caller, String userName) {
        return directory
                .findAccount(caller.cabinetId(), userName)
                .orElseThrow(() -> new OmsException(ErrorCode.USER_DOES_NOT_EXIST, "No user with this name."));
    }

    private static Role role(String value) {
        try {
            return Role.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput("role must be SUPERVISOR, OPERATOR, VIEWER or NONE.");
        }
    }

    private static boolean alive(JsonNode value) {
        if (value == null || !value.isBoolean()) {
            throw OmsException.invalidInput("alive must be true or false.");
        }
        return value.asBoolean();
    }

    /** expiresAt: an ISO-8601 instant, or null or "" for an account that never expires. */
    private static Instant expiry(JsonNode body, Instant current) {
        if (!body.has("expiresAt")) {
            return current;
        }
        String text = RequestBodies.text(body, "expiresAt");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput("expiresAt must be an ISO-8601 instant such as 2030-01-31T00:00:00Z.");
        }
    }

    private static Map<String, Object> describe(Applications.Application application) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("appId", application.appId());
        view.put("name", application.name());
        view.put("createdAt", application.createdAt().toString());
        return view;
    }

    private static Map<String, Object> describe(Account account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("userName", account.userName());
        view.put("role", account.role().name());
        view.put("alive", account.alive());
        view.put(
                "expiresAt",
                account.expiresAt() == null ? null : account.expiresAt().toString());
        view.put(
                "lockedUntil",
                account.lockedUntil() == null ? null : account.lockedUntil().toString());
        return view;
    }

    private static Map<String, Object> describe(Directory.Cabinet cabinet) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("cabinetName", cabinet.name());
        view.put("locked", cabinet.locked());
        return view;
    }
}
