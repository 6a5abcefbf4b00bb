package org.openccm.delivery;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Admin API for delivery channels (supervisors only). Secrets go in, and never come back out. */
@RestController
@RequestMapping(path = "/admin/channels", produces = "application/json")
class ChannelController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final Channels channels;
    private final AuditTrail audit;

    ChannelController(Authenticator authenticator, RequestBodies bodies, Channels channels, AuditTrail audit) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.channels = channels;
        this.audit = audit;
    }

    @GetMapping
    List<Map<String, Object>> list(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return channels.list(caller.cabinetId()).stream()
                .map(ChannelController::describe)
                .toList();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Map<String, String> settings = settings(body);
        String name = RequestBodies.text(body, "name");
        try {
            channels.create(caller.cabinetId(), name, RequestBodies.text(body, "type"), settings);
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.CHANNEL_CREATED,
                name,
                "type " + RequestBodies.text(body, "type") + ", settings " + settingNames(settings));
        return describe(channels.find(caller.cabinetId(), name).orElseThrow());
    }

    @PutMapping("/{name}")
    Map<String, Object> replace(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Map<String, String> settings = settings(body);
        try {
            if (!channels.replaceSettings(caller.cabinetId(), name, settings)) {
                throw new OmsException(ErrorCode.CHANNEL_NOT_FOUND, "No channel named '" + name + "'.");
            }
        } catch (IllegalArgumentException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.CHANNEL_CHANGED,
                name,
                "settings " + settingNames(settings));
        return describe(channels.find(caller.cabinetId(), name).orElseThrow());
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        if (!channels.delete(caller.cabinetId(), name)) {
            throw new OmsException(ErrorCode.CHANNEL_NOT_FOUND, "No channel named '" + name + "'.");
        }
        audit.record(caller.cabinetName(), caller.userName(), AuditAction.CHANNEL_DELETED, name, null);
    }

    /** The names of the settings given, never their values: some are secrets or addresses. */
    private static String settingNames(Map<String, String> settings) {
        return String.join(", ", settings.keySet());
    }

    private static Map<String, String> settings(JsonNode body) {
        if (body.has("settings") && !body.get("settings").isObject()) {
            throw OmsException.invalidInput("settings must be an object of name-value pairs.");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        body.path("settings").properties().forEach(entry -> {
            if (!entry.getValue().isString() && !entry.getValue().isNumber()) {
                throw OmsException.invalidInput("Setting '" + entry.getKey() + "' must be text or a number.");
            }
            settings.put(entry.getKey(), entry.getValue().asString());
        });
        return settings;
    }

    private static Map<String, Object> describe(Channels.Channel channel) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", channel.name());
        view.put("type", channel.type());
        view.put("settings", Channels.masked(channel));
        return view;
    }
}
