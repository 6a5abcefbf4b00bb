package org.openccm.communication;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.openccm.communication.GenerationRequest.Source;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ApiErrorHandler;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.GenerationResponse;
import org.openccm.shared.errors.Operation;
import org.openccm.shared.web.RequestBodies;
import org.openccm.shared.web.RequestLoggingFilter;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * OMSCommunicationService: on-demand generation. Checks run in the contract's order: cabinet
 * header, session, body fields, then business rules.
 */
@RestController
class CommunicationController {
    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final GenerateCommunication generation;

    CommunicationController(Authenticator authenticator, RequestBodies bodies, GenerateCommunication generation) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.generation = generation;
    }

    @PostMapping(path = "/OMSCommunicationService/processUsingDB", produces = "application/json")
    Map<String, Object> processUsingDB(HttpServletRequest request) {
        return generate(request, Source.DB, Operation.PROCESS_USING_DB);
    }

    @PostMapping(path = "/OMSCommunicationService/processUsingXML", produces = "application/json")
    Map<String, Object> processUsingXML(HttpServletRequest request) {
        return generate(request, Source.XML, Operation.PROCESS_USING_XML);
    }

    @PostMapping(path = "/OMSCommunicationService/processUsingJSON", produces = "application/json")
    Map<String, Object> processUsingJSON(HttpServletRequest request) {
        return generate(request, Source.JSON, Operation.PROCESS_USING_JSON);
    }

    private Map<String, Object> generate(HttpServletRequest request, Source source, Operation operation) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        if (body.path("communicationId").isString()) {
            request.setAttribute(
                    ApiErrorHandler.COMMUNICATION_ID_ATTRIBUTE,
                    body.get("communicationId").asString());
        }
        GenerationRequest generationRequest = GenerationRequest.from(body, source);

        GenerationResponse response = generation.generate(
                caller,
                generationRequest,
                requestId -> request.setAttribute(ApiErrorHandler.REQUEST_ID_ATTRIBUTE, requestId));

        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, response.status);
        return response.toBody(operation);
    }
}
