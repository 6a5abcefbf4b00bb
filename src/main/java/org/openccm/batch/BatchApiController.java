package org.openccm.batch;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.batch.Cycles.Cycle;
import org.openccm.batch.Cycles.Instance;
import org.openccm.batch.Cycles.Job;
import org.openccm.communication.BatchDocuments;
import org.openccm.communication.BatchDocuments.JobType;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.openccm.shared.web.RequestLoggingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** OMSJobAutoApproval approveJob and OMSCommunicationService asyncJobRetry (contract 4.5, 4.6). */
@RestController
class BatchApiController {
    private static final Logger log = LoggerFactory.getLogger(BatchApiController.class);

    /** approveJob's instanceId: with or without milliseconds (A28). */
    private static final DateTimeFormatter INSTANCE_ID =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSS]").withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final Cycles cycles;
    private final Spools spools;
    private final Approvals approvals;
    private final BatchDocuments documents;
    private final Clock clock;
    private final DatasetReader datasets;

    BatchApiController(
            Authenticator authenticator,
            RequestBodies bodies,
            Cycles cycles,
            Spools spools,
            Approvals approvals,
            BatchDocuments documents,
            DatasetReader datasets,
            Clock clock) {
        this.datasets = datasets;
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.cycles = cycles;
        this.spools = spools;
        this.approvals = approvals;
        this.documents = documents;
        this.clock = clock;
    }

    @PostMapping(path = "/OMSJobAutoApproval/approveJob", produces = "application/json")
    Map<String, Object> approveJob(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.INVALID_SESSION);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        String communicationId = RequestBodies.text(body, "communicationId");
        if (!communicationId.matches("[0-9]{0,9}")) {
            throw OmsException.invalidInput("communicationId must be a whole number from 0 to 999999999.");
        }
        String reference = communicationId.isEmpty() || communicationId.matches("0+") ? null : communicationId;
        String cycleName = required(body, "cycleName", 250);
        String jobName = required(body, "jobName", 250);
        String jobType = required(body, "jobType", 1);
        if (!jobType.matches("[PMTW]")) {
            throw OmsException.invalidInput("jobType must be P, M, T or W.");
        }
        String instanceText = required(body, "instanceId", 23);
        LocalDateTime instanceDate;
        try {
            instanceDate = LocalDateTime.parse(instanceText, INSTANCE_ID);
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput("instanceId must read yyyy-MM-dd HH:mm:ss or yyyy-MM-dd HH:mm:ss.SSS.");
        }
        if (instanceDate.getYear() < 1900) {
            throw OmsException.invalidInput("instanceId must be in 1900 or later.");
        }
        String filter = RequestBodies.text(body, "filterCondition");
        FilterCondition condition;
        try {
            condition = FilterCondition.parse(filter);
        } catch (FilterCondition.InvalidFilterException e) {
            throw OmsException.invalidInput(e.getMessage());
        }
        if (!caller.role().mayGenerate()) {
            throw OmsException.invalidInput("The user's role may not approve batch jobs.");
        }

        Cycle cycle = cycles.findCycle(caller.cabinetId(), cycleName.strip())
                .filter(found -> found.kind() == Cycles.Kind.BATCH)
                .orElseThrow(
                        () -> new OmsException(ErrorCode.CYCLE_NOT_FOUND, "No batch cycle named '" + cycleName + "'."));
        Job job = cycles.findJob(cycle.id(), jobName.strip())
                .orElseThrow(() ->
                        OmsException.invalidInput("Cycle '" + cycleName + "' has no job named '" + jobName + "'."));
        if (job.type() != JobType.valueOf(jobType)) {
            throw OmsException.invalidInput(
                    "Job '" + jobName + "' is of type " + job.type() + ", not " + jobType + ".");
        }
        Instance instance = cycles.findInstance(job.id(), instanceDate)
                .orElseThrow(() -> new OmsException(
                        ErrorCode.INSTANCE_NOT_FOUND,
                        "Job '" + jobName + "' has no instance at " + instanceText + "."));
        if (reference != null && spools.communicationIdUsed(caller.cabinetId(), reference)) {
            throw new OmsException(
                    ErrorCode.DUPLICATE_COMMUNICATION_ID, "communicationId " + reference + " was used before.");
        }
        checkFilterFields(caller, job, condition);

        long spoolId;
        try {
            spoolId = approvals.spoolAndApprove(caller, instance, filter, reference);
        } catch (DuplicateKeyException e) {
            throw new OmsException(
                    ErrorCode.DUPLICATE_COMMUNICATION_ID, "communicationId " + reference + " was used before.");
        }
        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, 0);
        log.info(
                "approveJob: cycle {} job {} instance {} approved as spool {}",
                cycle.name(),
                job.name(),
                instanceDate,
                spoolId);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jobSpoolId", Long.toString(spoolId));
        response.put("status", "0");
        response.put("description", "Success");
        response.put("communicationId", communicationId);
        return response;
    }

    /** Fields a filter names must exist in the job's records; checked on the first one. */
    private void checkFilterFields(Caller caller, Job job, FilterCondition condition) {
        if (condition.fields().isEmpty()) {
            return;
        }
        Map<String, Object> first;
        try {
            first = datasets.first(caller.cabinetId(), job);
        } catch (DatasetReader.UnreadableDatasetException e) {
            throw OmsException.invalidInput(
                    "The job's dataset cannot be read to check filterCondition: " + e.getMessage());
        }
        if (first == null) {
            return;
        }
        for (String field : condition.fields()) {
            if (!FilterCondition.hasField(first, field)) {
                throw OmsException.invalidInput(
                        "filterCondition names '" + field + "', which the job's records do not have.");
            }
        }
    }

    @PostMapping(path = "/OMSCommunicationService/asyncJobRetry", produces = "application/json")
    Map<String, Object> asyncJobRetry(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        String scheduleName = required(body, "ScheduleName", 250).strip();
        if (!caller.role().mayGenerate()) {
            throw OmsException.invalidInput("The user's role may not retry communications.");
        }
        int queued;
        Cycle cycle = cycles.findCycle(caller.cabinetId(), scheduleName).orElse(null);
        if (cycle == null && !Cycles.ON_DEMAND.equals(scheduleName)) {
            throw OmsException.invalidInput("No schedule named '" + scheduleName + "'.");
        }
        if (cycle == null || cycle.kind() == Cycles.Kind.ONDEMAND) {
            LocalDate from = day(body, "DateFrom");
            LocalDate to = day(body, "DateTo");
            if (from.isAfter(to)) {
                throw OmsException.invalidInput("DateFrom must not be after DateTo.");
            }
            ZoneId zone = clock.getZone();
            queued = documents.requeueFailedOnDemand(
                    caller.cabinetId(),
                    from.atStartOfDay(zone).toInstant(),
                    to.plusDays(1).atStartOfDay(zone).toInstant());
        } else {
            LocalDate date = day(body, "InstanceDate");
            String jobName = required(body, "JobName", 250).strip();
            Job job = cycles.findJob(cycle.id(), jobName)
                    .orElseThrow(() -> OmsException.invalidInput(
                            "Schedule '" + scheduleName + "' has no job named '" + jobName + "'."));
            List<Instance> instances = cycles.instancesOn(job.id(), date.atStartOfDay());
            if (instances.isEmpty()) {
                throw OmsException.invalidInput("Job '" + jobName + "' has no instance on " + date + ".");
            }
            queued = 0;
            for (Instance instance : instances) {
                List<Long> spoolIds = spools.ofInstance(instance.id()).stream()
                        .filter(spool -> spool.state() != Spools.State.REJECTED)
                        .map(Spools.Spool::id)
                        .toList();
                for (long spoolId : spoolIds) {
                    queued += spools.restartFailed(spoolId) ? 1 : spools.retryFailedRecords(spoolId);
                }
                queued += documents.requeueFailedOfSpools(caller.cabinetId(), spoolIds);
            }
        }
        log.info("asyncJobRetry on schedule {}: {} failed steps queued again", scheduleName, queued);
        request.setAttribute(RequestLoggingFilter.OUTCOME_ATTRIBUTE, 0);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("Descr", "Success");
        response.put("status", "0");
        response.put("description", "Success");
        response.put("retriedCount", queued);
        return response;
    }

    private static String required(JsonNode body, String field, int max) {
        String value = RequestBodies.text(body, field);
        if (value.isBlank()) {
            throw OmsException.invalidInput(field + " is mandatory.");
        }
        if (value.length() > max) {
            throw OmsException.invalidInput(field + " is longer than " + max + " characters.");
        }
        return value;
    }

    private static LocalDate day(JsonNode body, String field) {
        String value = required(body, field, 10);
        try {
            return LocalDate.parse(value, DAY);
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput(field + " must read yyyy-MM-dd.");
        }
    }
}
