package org.openccm.batch;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.audit.AuditAction;
import org.openccm.audit.AuditTrail;
import org.openccm.batch.Cycles.Cycle;
import org.openccm.batch.Cycles.Instance;
import org.openccm.batch.Cycles.Job;
import org.openccm.batch.Spools.Spool;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.security.Tokens;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.OutputStore;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admin API for batch work: cycles and jobs (supervisors), job data files, starting an instance
 * by hand, and the spools with their progress, approval and rejection (operators and supervisors).
 */
@RestController
@RequestMapping(produces = "application/json")
class BatchAdminController {
    private static final DateTimeFormatter INSTANCE_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSS]").withResolverStyle(ResolverStyle.STRICT);

    /** Instances are shown as approveJob's instanceId reads them. */
    private static final DateTimeFormatter SHOWN_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private final Authenticator authenticator;
    private final RequestBodies bodies;
    private final CycleDefinitions definitions;
    private final Cycles cycles;
    private final Spools spools;
    private final Approvals approvals;
    private final OutputStore store;
    private final BatchProperties properties;
    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final DatasetReader datasets;

    BatchAdminController(
            Authenticator authenticator,
            RequestBodies bodies,
            CycleDefinitions definitions,
            Cycles cycles,
            Spools spools,
            Approvals approvals,
            OutputStore store,
            BatchProperties properties,
            JdbcClient jdbc,
            AuditTrail audit,
            DatasetReader datasets) {
        this.audit = audit;
        this.datasets = datasets;
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.definitions = definitions;
        this.cycles = cycles;
        this.spools = spools;
        this.approvals = approvals;
        this.store = store;
        this.properties = properties;
        this.jdbc = jdbc;
    }

    @GetMapping("/admin/cycles")
    List<Map<String, Object>> listCycles(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        return cycles.listCycles(caller.cabinetId()).stream()
                .map(this::describe)
                .toList();
    }

    @PostMapping("/admin/cycles")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> createCycle(HttpServletRequest request) {
        Caller caller = authenticator.requireSupervisor(request);
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        definitions.define(caller.cabinetId(), caller.userId(), body);
        Cycle cycle = cycle(caller, RequestBodies.text(body, "name").strip());
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.CYCLE_CREATED,
                cycle.name(),
                "cron " + cycle.cron() + ", " + cycles.jobs(cycle.id()).size() + " jobs");
        return describe(cycle);
    }

    @GetMapping("/admin/cycles/{name}")
    Map<String, Object> getCycle(HttpServletRequest request, @PathVariable String name) {
        Caller caller = authenticator.requireSupervisor(request);
        return describe(cycle(caller, name));
    }

    /** Uploads a job's data file: a JSON array of records, or XML with one element per record. */
    @PutMapping(path = "/admin/cycles/{name}/jobs/{job}/data", consumes = "*/*")
    Map<String, Object> uploadData(HttpServletRequest request, @PathVariable String name, @PathVariable String job)
            throws IOException {
        Caller caller = authenticator.requireSupervisor(request);
        Cycle cycle = cycle(caller, name);
        Job found = cycles.findJob(cycle.id(), job)
                .orElseThrow(() ->
                        new OmsException(ErrorCode.NOT_FOUND, "Cycle '" + name + "' has no job named '" + job + "'."));
        String type = request.getContentType() == null ? "" : request.getContentType();
        String extension = type.contains("xml") ? ".xml" : type.contains("json") ? ".json" : null;
        if (extension == null) {
            throw OmsException.invalidInput("A data file is sent as application/json or application/xml.");
        }
        String key = "batch-data/" + cycle.id() + "/" + found.id() + "/" + Tokens.randomUrlSafe(12) + extension;
        Path temporary = Files.createTempFile("oms-upload-", extension);
        try {
            long size = copyBounded(request.getInputStream(), temporary);
            store.writeFile(caller.cabinetId(), key, temporary);
            long records;
            try {
                records = datasets.check(caller.cabinetId(), key);
            } catch (DatasetReader.UnreadableDatasetException e) {
                store.delete(caller.cabinetId(), key);
                throw OmsException.invalidInput(e.getMessage() + " The job keeps its previous data.");
            }
            jdbc.sql("update batch_job set data_file = ?, data_query = null where id = ?")
                    .params(key, found.id())
                    .update();
            audit.record(
                    caller.cabinetName(),
                    caller.userName(),
                    AuditAction.JOB_DATA_UPLOADED,
                    cycle.name() + "/" + found.name(),
                    size + " bytes");
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("dataFile", key);
            answer.put("bytes", size);
            answer.put("records", records);
            return answer;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private long copyBounded(InputStream in, Path target) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                total += read;
                if (total > properties.maxUploadBytes()) {
                    throw OmsException.invalidInput(
                            "The data file is larger than " + properties.maxUploadBytes() + " bytes.");
                }
                out.write(buffer, 0, read);
            }
        }
        return total;
    }

    /**
     * Starts an instance of a job by hand and spools it. The caller is its maker, so another user
     * must approve it.
     */
    @PostMapping("/admin/cycles/{name}/jobs/{job}/instances")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> startInstance(HttpServletRequest request, @PathVariable String name, @PathVariable String job) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        if (!caller.role().mayGenerate()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The user's role may not start batch jobs.");
        }
        JsonNode body = bodies.readObject(request, ErrorCode.INVALID_INPUT);
        Cycle cycle = cycle(caller, name);
        Job found = cycles.findJob(cycle.id(), job)
                .orElseThrow(() ->
                        new OmsException(ErrorCode.NOT_FOUND, "Cycle '" + name + "' has no job named '" + job + "'."));
        LocalDateTime date;
        try {
            date = LocalDateTime.parse(RequestBodies.text(body, "instanceDate"), INSTANCE_DATE);
        } catch (DateTimeParseException e) {
            throw OmsException.invalidInput("instanceDate must read yyyy-MM-dd HH:mm:ss.");
        }
        if (date.getYear() < 1900) {
            throw OmsException.invalidInput("instanceDate must be in 1900 or later.");
        }
        if (cycles.findInstance(found.id(), date).isPresent()) {
            throw OmsException.invalidInput("Job '" + job + "' already has an instance at that date.");
        }
        long instanceId = definitions.addInstance(caller.cabinetId(), cycle.id(), found.id(), date, caller.userId());
        long spoolId = spools.create(instanceId, caller.cabinetId(), null, caller.userId(), null, null);
        audit.record(
                caller.cabinetName(),
                caller.userName(),
                AuditAction.BATCH_INSTANCE_STARTED,
                cycle.name() + "/" + found.name() + " " + date,
                "jobSpoolId " + spoolId);
        return describe(spools.byId(spoolId).orElseThrow());
    }

    @GetMapping("/admin/spools")
    List<Map<String, Object>> listSpools(HttpServletRequest request, @RequestParam(defaultValue = "50") int limit) {
        Caller caller = reader(request);
        return spools.list(caller.cabinetId(), Math.max(1, Math.min(limit, 500))).stream()
                .map(this::describe)
                .toList();
    }

    @GetMapping("/admin/spools/{id}")
    Map<String, Object> getSpool(HttpServletRequest request, @PathVariable long id) {
        Caller caller = reader(request);
        return describe(spool(caller, id));
    }

    @PostMapping("/admin/spools/{id}/approve")
    Map<String, Object> approve(HttpServletRequest request, @PathVariable long id) {
        Caller caller = checker(request);
        return describe(approvals.approve(caller, spool(caller, id).id()));
    }

    @PostMapping("/admin/spools/{id}/reject")
    Map<String, Object> reject(HttpServletRequest request, @PathVariable long id) {
        Caller caller = checker(request);
        return describe(approvals.reject(caller, spool(caller, id).id()));
    }

    private Caller reader(HttpServletRequest request) {
        return authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
    }

    private Caller checker(HttpServletRequest request) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        if (!caller.role().mayGenerate()) {
            throw new OmsException(ErrorCode.INSUFFICIENT_RIGHTS, "The user's role may not approve batch jobs.");
        }
        return caller;
    }

    private Cycle cycle(Caller caller, String name) {
        return cycles.findCycle(caller.cabinetId(), name)
                .orElseThrow(() -> new OmsException(ErrorCode.NOT_FOUND, "No cycle named '" + name + "'."));
    }

    private Spool spool(Caller caller, long id) {
        return spools.find(caller.cabinetId(), id)
                .orElseThrow(() -> new OmsException(ErrorCode.NOT_FOUND, "No spool " + id + " in this cabinet."));
    }

    private Map<String, Object> describe(Cycle cycle) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", cycle.name());
        out.put("kind", cycle.kind().name());
        out.put("cron", cycle.cron());
        out.put("timeZone", cycle.timeZone());
        out.put(
                "nextRunAt",
                cycle.nextRunAt() == null ? null : cycle.nextRunAt().toString());
        out.put("jobs", cycles.jobs(cycle.id()).stream().map(this::describe).toList());
        return out;
    }

    private Map<String, Object> describe(Job job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", job.name());
        out.put("type", job.type().name());
        out.put("productName", job.productName());
        out.put("channelName", job.channelName());
        out.put("dataSource", job.dataSource());
        out.put("dataQuery", job.dataQuery());
        out.put("dataFile", job.dataFile());
        out.put("filePath", job.filePath());
        out.put("doArchive", job.doArchive());
        out.put("skipApproval", job.skipApproval());
        out.put(
                "instances",
                cycles.instances(job.id()).stream()
                        .limit(20)
                        .map(instance -> SHOWN_DATE.format(instance.date()))
                        .toList());
        return out;
    }

    private Map<String, Object> describe(Spool spool) {
        Instance instance = cycles.instanceById(spool.instanceId()).orElseThrow();
        Job job = cycles.job(instance.jobId()).orElseThrow();
        Spools.Progress progress = spools.progress(spool.id(), spool.totalRecords());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobSpoolId", Long.toString(spool.id()));
        out.put("cycleName", cycles.cycleOfJob(job.id()).map(Cycle::name).orElse(null));
        out.put("jobName", job.name());
        out.put("jobType", job.type().name());
        out.put("instanceId", SHOWN_DATE.format(instance.date()));
        out.put("state", spool.state().name());
        out.put("approved", spool.isApproved());
        out.put("filterCondition", spool.filterCondition());
        out.put("makerUserId", spool.makerUserId());
        out.put("checkerUserId", spool.checkerUserId());
        out.put("communicationId", spool.communicationId());
        out.put("total", progress.total());
        out.put("processed", progress.generated() + progress.failed());
        out.put("generated", progress.generated());
        out.put("failed", progress.failed());
        out.put("deliveries", spools.deliveries(spool.id()));
        out.put(
                "printFiles",
                spool.printFile() == null
                        ? List.of()
                        : List.of(spool.printFile().split(";")));
        out.put("failure", spool.failure());
        out.put("createdAt", spool.createdAt().toString());
        return out;
    }
}
