package org.openccm.session;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openccm.session.Authenticator.AccessDetails;
import org.openccm.session.Authenticator.LoginAttempt;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.web.RequestBodies;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * OMSSessionManagement: connectCabinet and disconnectCabinet. In OAuth mode a login answers
 * accessDetails instead of sessionId (contract section 3, A05).
 */
@RestController
class SessionController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;

    SessionController(Authenticator authenticator, RequestBodies bodies) {
        this.authenticator = authenticator;
        this.bodies = bodies;
    }

    @PostMapping(path = "/OMSSessionManagement/connectCabinet", produces = "application/json")
    Map<String, Object> connectCabinet(HttpServletRequest request) {
        String cabinetName = Authenticator.cabinetHeader(request, ErrorCode.CONNECT_FAILED);
        JsonNode body = bodies.readObject(request, ErrorCode.CONNECT_FAILED);
        LoginAttempt attempt = new LoginAttempt(
                RequestBodies.text(body, "userName", ErrorCode.CONNECT_FAILED),
                RequestBodies.text(body, "userPassword", ErrorCode.CONNECT_FAILED),
                RequestBodies.text(body, "encrFlag", ErrorCode.CONNECT_FAILED),
                RequestBodies.text(body, "passAlgoType", ErrorCode.CONNECT_FAILED),
                RequestBodies.text(body, "connectForcefully", ErrorCode.CONNECT_FAILED));

        Map<String, Object> response = new LinkedHashMap<>();
        if (authenticator.isOAuthMode()) {
            AccessDetails details = authenticator.loginWithApplication(
                    cabinetName,
                    attempt,
                    RequestBodies.text(body, "appId", ErrorCode.APP_ID_INVALID),
                    RequestBodies.text(body, "sessionExpiryTime", ErrorCode.CONNECT_FAILED));
            Map<String, Object> access = new LinkedHashMap<>();
            access.put("appId", details.appId());
            access.put("accessToken", details.accessToken());
            access.put("sessionValid", details.sessionValid());
            response.put("accessDetails", access);
        } else {
            response.put("sessionId", authenticator.login(cabinetName, attempt));
        }
        response.put("status", "0");
        return response;
    }

    @PostMapping(path = "/OMSSessionManagement/disconnectCabinet", produces = "application/json")
    Map<String, Object> disconnectCabinet(HttpServletRequest request) {
        authenticator.logout(request);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", "0");
        response.put("description", "Success");
        return response;
    }
}
