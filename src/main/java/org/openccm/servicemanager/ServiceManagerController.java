package org.openccm.servicemanager;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
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
import org.openccm.shared.web.RequestLoggingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * OMSServiceManager: start, stop, rescale and list the asynchronous services (contract 4.7,
 * A35-A39). Changing services is for supervisors; others get 400 Operation Failed (section 8).
 */
@RestController
class ServiceManagerController {
    private static final Logger log = LoggerFactory.getLogger(ServiceManagerController.class);
    private static final String NOT_RUNNING = "The failed service is currently not running.";

    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final Services services;
    private final AuditTrail audit;

    ServiceManagerController(Authenticator authenticator, RequestBodies bodies, Services services, AuditTrail audit) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.services = services;
        this.audit = audit;
    }

    @PostMapping(path = "/OMSServiceManager/startService", produces = "application/json")
    Map<String, Object> startService(HttpServletRequest request) {
        Caller caller = supervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_REQUEST);
        int count = count(body.get("ServiceCount"), 0, "ServiceCount");
        int workers = count == 0 ? 1 : count;
        List<String> failed = new ArrayList<>();
        for (long id : ids(body)) {
            if (services.find(caller.cabinetId(), id).isEmpty()) {
                failed.add(Long.toString(id));
                continue;
            }
            services.setCount(caller.cabinetId(), id, workers);
            log.info("Service {} started with {} workers", id, workers);
            record(caller, AuditAction.SERVICE_STARTED, id, workers + " workers");
        }
        return answer(request, failed, "Services Started", "No service with id " + String.join(", ", failed) + ".");
    }

    @PostMapping(path = "/OMSServiceManager/stopService", produces = "application/json")
    Map<String, Object> stopService(HttpServletRequest request) {
        Caller caller = supervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_REQUEST);
        count(body.get("ServiceCount"), 0, "ServiceCount");
        List<String> failed = new ArrayList<>();
        for (long id : ids(body)) {
            if (services.find(caller.cabinetId(), id).isEmpty()) {
                failed.add(Long.toString(id));
                continue;
            }
            services.setCount(caller.cabinetId(), id, 0);
            log.info("Service {} stopped; its claimed work finishes, no new work is claimed", id);
            record(caller, AuditAction.SERVICE_STOPPED, id, null);
        }
        return answer(request, failed, "Services Stopped", "No service with id " + String.join(", ", failed) + ".");
    }

    @PostMapping(path = "/OMSServiceManager/UpdateServiceCount", produces = "application/json")
    Map<String, Object> updateServiceCount(HttpServletRequest request) {
        Caller caller = supervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_REQUEST);
        String bodyCabinet = RequestBodies.text(body, "cabinetName");
        if (!bodyCabinet.isEmpty() && !bodyCabinet.equals(caller.cabinetName())) {
            throw OmsException.invalidInput("cabinetName in the body must match the cabinetName header.");
        }
        int fallback = count(body.get("ServiceCount"), 1, "ServiceCount");
        List<Long> ids = ids(body);
        Map<Long, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            int own = count(body.get("ServiceIds").get(i).get("ServiceCount"), 1, "ServiceIds[].ServiceCount");
            int chosen = own > 0 ? own : fallback;
            if (chosen == 0) {
                throw OmsException.invalidInput("Service " + ids.get(i) + " needs a ServiceCount from 1 to 99.");
            }
            counts.put(ids.get(i), chosen);
        }
        List<String> failed = new ArrayList<>();
        boolean unknown = false;
        for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
            var service = services.find(caller.cabinetId(), entry.getKey());
            if (service.isEmpty() || !service.get().isRunning()) {
                unknown |= service.isEmpty();
                failed.add(Long.toString(entry.getKey()));
                continue;
            }
            services.setCount(caller.cabinetId(), entry.getKey(), entry.getValue());
            log.info("Service {} rescaled to {} workers", entry.getKey(), entry.getValue());
            record(caller, AuditAction.SERVICE_SCALED, entry.getKey(), entry.getValue() + " workers");
        }
        return answer(
                request,
                failed,
                "Updated Successfully",
                unknown ? "No running service with id " + String.join(", ", failed) + "." : NOT_RUNNING);
    }

    @PostMapping(path = "/OMSServiceManager/fetchServiceDetails", produces = "application/json")
    Map<String, Object> fetchServiceDetails(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_REQUEST);
        String type = RequestBodies.text(body, "ServiceType").strip();
        if (type.length() > 64) {
            throw OmsException.invalidInput("ServiceType is longer than 64 characters.");
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Services.Service service : services.list(caller.cabinetId(), type)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ServiceCount", service.count());
            entry.put("ServiceId", Long.toString(service.id()));
            entry.put("ChannelName", service.channelName() == null ? "" : service.channelName());
            entry.put("ServiceName", service.name());
            entry.put("ServiceType", service.type());
            entry.put("ProcessedRecordCount", Long.toString(service.processed()));
            entry.put("ContainerHostName", services.hostName());
            entry.put("ApplicationStatus", service.isRunning() ? "Running" : "Stopped");
            list.add(entry);
        }
        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, 0);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("ServiceList", list);
        response.put("TotalCount", Integer.toString(list.size()));
        response.put("Descr", "Fetched Successfully");
        response.put("MainCode", 0);
        response.put("Error", "false");
        return response;
    }

    private void record(Caller caller, AuditAction action, long serviceId, String detail) {
        audit.record(caller.cabinetName(), caller.userName(), action, "service " + serviceId, detail);
    }

    /**
     * Starting, stopping and rescaling are administrative acts (section 8): others get the
     * operation's generic failure, 400, with a description that says why.
     */
    private Caller supervisor(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        if (!caller.role().mayAdminister()) {
            throw new OmsException(
                    ErrorCode.OPERATION_FAILED, "Starting, stopping and rescaling services is for supervisors.");
        }
        return caller;
    }

    /** ServiceIds: a non-empty array of {"id": "<digits>"} (A35); not an array at all is 105. */
    private static List<Long> ids(JsonNode body) {
        JsonNode ids = body.get("ServiceIds");
        if (ids == null || !ids.isArray()) {
            throw new OmsException(
                    ErrorCode.INVALID_REQUEST, "ServiceIds must be a list of {\"id\": \"...\"} objects.");
        }
        if (ids.isEmpty() || ids.size() > 100) {
            throw OmsException.invalidInput("ServiceIds must list 1 to 100 services.");
        }
        List<Long> result = new ArrayList<>();
        for (JsonNode item : ids) {
            JsonNode id = item.get("id");
            String text = id == null || !(id.isString() || id.isNumber()) ? "" : id.asString();
            if (!text.matches("[0-9]{1,9}")) {
                throw OmsException.invalidInput("Every ServiceIds item needs an id of 1 to 9 digits.");
            }
            result.add(Long.parseLong(text));
        }
        return result;
    }

    /** A worker count 0-99 given as a number or digits; absent reads as 0. */
    private static int count(JsonNode value, int minimum, String field) {
        if (value == null
                || value.isNull()
                || (value.isString() && value.asString().isEmpty())) {
            return 0;
        }
        String text = value.asString();
        if (!(value.isNumber() || value.isString())
                || !text.matches("[0-9]{1,2}")
                || Integer.parseInt(text) < minimum) {
            throw OmsException.invalidInput(field + " must be a whole number from " + minimum + " to 99.");
        }
        return Integer.parseInt(text);
    }

    private static Map<String, Object> answer(
            HttpServletRequest request, List<String> failed, String success, String failure) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("FailedServiceID", failed);
        response.put("Descr", failed.isEmpty() ? success : failure);
        response.put("MainCode", failed.isEmpty() ? 0 : ErrorCode.OPERATION_FAILED.code());
        response.put("Error", failed.isEmpty() ? "false" : "true");
        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, response.get("MainCode"));
        return response;
    }
}
