package org.openccm.shared.errors;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openccm.shared.web.RequestLoggingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place that turns failures into the contract's answers: HTTP 200 with the operation's
 * code field and a readable description (A09). Unexpected faults get a generic description with
 * an incident id; the stack trace goes only to the log under that id.
 */
@RestControllerAdvice
public class ApiErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    /** Request attributes that generation sets once it knows them, so failures can echo them. */
    public static final String REQUEST_ID_ATTRIBUTE = "oms.requestId";

    public static final String COMMUNICATION_ID_ATTRIBUTE = "oms.communicationId";

    @ExceptionHandler(OmsException.class)
    ResponseEntity<Map<String, Object>> contractFailure(OmsException failure, HttpServletRequest request) {
        Operation operation = Operation.ofPath(request.getRequestURI());
        log.info("{} refused with {}", operation, failure.errorCode().code());
        log.debug("{} refusal detail: {}", operation, failure.detail());
        ErrorCode code = operation.wording(failure.errorCode());
        return answer(operation, code, OmsException.describe(code, failure.detail()), request);
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, SQLTransientConnectionException.class})
    ResponseEntity<Map<String, Object>> busy(Exception failure, HttpServletRequest request) {
        Operation operation = Operation.ofPath(request.getRequestURI());
        log.warn("{} found no free database connection in time: {}", operation, failure.getMessage());
        ErrorCode code = operation.isGeneration() ? ErrorCode.SERVER_BUSY : ErrorCode.CONNECT_FAILED;
        return answer(operation, code, OmsException.describe(code, "The server is busy; try again later."), request);
    }

    /**
     * Failures of HTTP itself (unknown path, wrong method, unsupported media type) never reach an
     * operation, so they keep their HTTP status (A09) with a short JSON body.
     */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<Map<String, Object>> httpFailure(Exception failure, HttpServletRequest request) {
        return httpFailureAnswer((ErrorResponse) failure, request);
    }

    private static ResponseEntity<Map<String, Object>> httpFailureAnswer(
            ErrorResponse failure, HttpServletRequest request) {
        HttpStatusCode status = failure.getStatusCode();
        log.info("{} {} refused by HTTP with {}", request.getMethod(), request.getRequestURI(), status.value());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", Integer.toString(status.value()));
        body.put(
                "description",
                failure.getBody().getTitle() + ": " + request.getMethod() + " " + request.getRequestURI());
        return ResponseEntity.status(status).body(body);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception failure, HttpServletRequest request) {
        if (failure instanceof ErrorResponse httpLevel) {
            return httpFailureAnswer(httpLevel, request);
        }
        Operation operation = Operation.ofPath(request.getRequestURI());
        String incident = UUID.randomUUID().toString();
        log.error(
                "Unexpected failure in {} (incident {}, requestId {})",
                operation,
                incident,
                request.getAttribute(REQUEST_ID_ATTRIBUTE),
                failure);
        ErrorCode code = operation.unexpectedFailureCode();
        String description = OmsException.describe(code, "Unexpected server error; quote incident " + incident + ".");
        return answer(operation, code, description, request);
    }

    /** A request parameter of the wrong type, or a name that is already taken (admin API). */
    @ExceptionHandler({TypeMismatchException.class, DuplicateKeyException.class})
    ResponseEntity<Map<String, Object>> badAdminInput(Exception failure, HttpServletRequest request) {
        Operation operation = Operation.ofPath(request.getRequestURI());
        String reason = failure instanceof DuplicateKeyException
                ? "The name is already taken."
                : "A path or query parameter has the wrong type.";
        return answer(
                operation, ErrorCode.INVALID_INPUT, OmsException.describe(ErrorCode.INVALID_INPUT, reason), request);
    }

    private static ResponseEntity<Map<String, Object>> answer(
            Operation operation, ErrorCode code, String description, HttpServletRequest request) {
        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, code.code());
        if (operation.isGeneration()) {
            Object requestId = request.getAttribute(REQUEST_ID_ATTRIBUTE);
            GenerationResponse response =
                    GenerationResponse.failure(code, description, requestId instanceof Long id ? id : 0L, (String)
                            request.getAttribute(COMMUNICATION_ID_ATTRIBUTE));
            return ResponseEntity.ok(response.toBody(operation));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (operation == Operation.SERVICE_MANAGER) {
            body.put("FailedServiceID", java.util.List.of());
            body.put("Descr", description);
            body.put("MainCode", code.code());
            body.put("Error", "true");
            return ResponseEntity.ok(body);
        }
        if (operation == Operation.ADMIN) {
            body.put("code", code.code());
            body.put("description", adminDescription(code, description));
            return ResponseEntity.status(adminStatus(code)).body(body);
        }
        if (operation == Operation.ASYNC_JOB_RETRY) {
            body.put("Descr", description);
        }
        body.put("status", Integer.toString(code.code()));
        body.put("description", description);
        return ResponseEntity.ok(body);
    }

    /** The admin API is ours: its answers drop the guide's message symbols, which mean nothing there. */
    private static String adminDescription(ErrorCode code, String description) {
        String prefix = code.guideMessage() + " - ";
        return description.startsWith(prefix) ? description.substring(prefix.length()) : description;
    }

    private static HttpStatus adminStatus(ErrorCode code) {
        return switch (code) {
            case INVALID_SESSION, CABINET_NOT_FOUND -> HttpStatus.UNAUTHORIZED;
            case INSUFFICIENT_RIGHTS -> HttpStatus.FORBIDDEN;
            case PRODUCT_NOT_FOUND, CHANNEL_NOT_FOUND, USER_DOES_NOT_EXIST, APP_ID_NOT_REGISTERED, NOT_FOUND ->
                HttpStatus.NOT_FOUND;
            case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
