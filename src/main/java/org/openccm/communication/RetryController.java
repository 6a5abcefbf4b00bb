package org.openccm.communication;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.openccm.shared.web.RequestLoggingFilter;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** OMSCommunicationService retry, single mode (a requestId). */
@RestController
class RetryController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final RetryCommunication retries;

    RetryController(Authenticator authenticator, RequestBodies bodies, RetryCommunication retries) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.retries = retries;
    }

    @PostMapping(path = "/OMSCommunicationService/retry", produces = "application/json")
    Map<String, Object> retry(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        if (!caller.role().mayGenerate()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The user's role may not retry communications.");
        }
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        String requestId = RequestBodies.text(body, "requestId");
        String channelName = RequestBodies.text(body, "channelName");
        if (channelName.length() > 32) {
            throw OmsException.invalidInput("channelName is longer than 32 characters.");
        }
        if (requestId.isEmpty()) {
            // TODO(CCM-3): bulk retry by productName and date window with callBackUrl.
            throw OmsException.invalidInput("Bulk retry (empty requestId) is not available yet; send a requestId.");
        }
        if (!requestId.matches("[1-9][0-9]{0,8}")) {
            throw OmsException.invalidInput("requestId must be a whole number from 1 to 999999999.");
        }

        RetryCommunication.Result result = retries.retry(caller, Long.parseLong(requestId), channelName);

        request.setAttribute(
                RequestLoggingFilter.OUTCOME_ATTRIBUTE, result.code().code());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", Integer.toString(result.code().code()));
        response.put("description", result.description());
        return response;
    }
}
