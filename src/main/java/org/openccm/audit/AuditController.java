package org.openccm.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.QueryParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail of the caller's cabinet, newest first (supervisors only):
 * {@code GET /admin/audit?action=&actor=&from=&to=&limit=}, with ISO-8601 instants and a limit of
 * 1 to 1000 (100 by default).
 */
@RestController
class AuditController {
    private final Authenticator authenticator;
    private final AuditTrail audit;

    AuditController(Authenticator authenticator, AuditTrail audit) {
        this.authenticator = authenticator;
        this.audit = audit;
    }

    @GetMapping(path = "/admin/audit", produces = "application/json")
    List<Map<String, Object>> find(
            HttpServletRequest request,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String limit) {
        Caller caller = authenticator.requireSupervisor(request);
        if (action != null && !action.isEmpty() && !action.matches("[A-Z_]{1,40}")) {
            throw OmsException.invalidInput("action is one of the audit action names, such as LOGIN.");
        }
        Long asked = QueryParameters.whole("limit", limit);
        int rows = asked == null ? 100 : (int) Math.min(1000, Math.max(1, asked));

        List<AuditTrail.Entry> entries = audit.find(
                caller.cabinetName(),
                new AuditTrail.Query(
                        action, actor, QueryParameters.instant("from", from), QueryParameters.instant("to", to), rows));

        return entries.stream().map(AuditController::describe).toList();
    }

    private static Map<String, Object> describe(AuditTrail.Entry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.id());
        view.put("occurredAt", entry.occurredAt().toString());
        view.put("actor", entry.actor());
        view.put("action", entry.action());
        view.put("target", entry.target());
        view.put("detail", entry.detail());
        return view;
    }
}
