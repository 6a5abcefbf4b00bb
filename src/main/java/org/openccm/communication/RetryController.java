package org.openccm.communication;

import jakarta.servlet.http.HttpServletRequest;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
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

/** OMSCommunicationService retry: single mode (a requestId) and bulk mode (product and window). */
@RestController
class RetryController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final RetryCommunication retries;
    private final BulkRetry bulkRetry;
    private final CallbackGuard callbacks;

    /** The contract's date-time format for dateFrom and dateTo. */
    static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    RetryController(
            Authenticator authenticator,
            RequestBodies bodies,
            RetryCommunication retries,
            BulkRetry bulkRetry,
            CallbackGuard callbacks) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.retries = retries;
        this.bulkRetry = bulkRetry;
        this.callbacks = callbacks;
    }

    /** Bulk mode: productName and the dateFrom-dateTo window, results to callBackUrl (A24, A25). */
    private Map<String, Object> bulk(Caller caller, JsonNode body, HttpServletRequest request) {
        String productName = RequestBodies.text(body, "productName");
        if (productName.isEmpty() || productName.length() > 250) {
            throw OmsException.invalidInput("Bulk retry needs productName (at most 250 characters).");
        }
        LocalDateTime from = dateTime("dateFrom", RequestBodies.text(body, "dateFrom"));
        LocalDateTime to = dateTime("dateTo", RequestBodies.text(body, "dateTo"));
        if (from.isAfter(to)) {
            throw OmsException.invalidInput("dateFrom must not be after dateTo.");
        }
        String callBackUrl = RequestBodies.text(body, "callBackUrl");
        if (callBackUrl.length() > 2048) {
            throw OmsException.invalidInput("callBackUrl is longer than 2048 characters.");
        }
        if (!callBackUrl.isEmpty()) {
            String problem = callbacks.problem(callBackUrl);
            if (problem != null) {
                throw OmsException.invalidInput("callBackUrl " + problem + ".");
            }
        }

        int count = bulkRetry.start(caller, productName, from, to, callBackUrl);

        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, 0);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", "0");
        response.put("description", "Retry of " + count + " requests started");
        return response;
    }

    private static LocalDateTime dateTime(String field, String value) {
        try {
            return LocalDateTime.parse(value, DATE_TIME);
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput(field + " must read yyyy-MM-dd HH:mm:ss.");
        }
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
            return bulk(caller, body, request);
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
