package org.openccm.batch;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import org.openccm.communication.BatchDocuments.JobType;
import org.openccm.datasource.DataSources;
import org.openccm.delivery.Channels;
import org.openccm.generation.ProductCatalog;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.StoragePaths;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Defines cycles and their jobs from the admin API's JSON (also the samples' format), checking
 * every field: a cycle that is stored can run.
 *
 * <pre>
 * {"name": "nightly", "cron": "0 30 1 * * *", "timeZone": "Europe/Paris", "jobs": [
 *   {"name": "letters", "type": "P", "productName": "PRINT1", "dataQuery": "select ...",
 *    "dataSource": "", "channelName": "", "filePath": "batch/letters", "doArchive": false,
 *    "skipApproval": false}]}
 * </pre>
 */
@Service
public class CycleDefinitions {
    private final Cycles cycles;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final DataSources dataSources;
    private final ProductCatalog products;
    private final Channels channels;

    /** Cycles fire at most this often: a batch run every few seconds would flood the spool. */
    static final java.time.Duration MIN_INTERVAL = java.time.Duration.ofMinutes(5);

    CycleDefinitions(
            Cycles cycles,
            JdbcClient jdbc,
            Clock clock,
            DataSources dataSources,
            ProductCatalog products,
            Channels channels) {
        this.dataSources = dataSources;
        this.products = products;
        this.channels = channels;
        this.cycles = cycles;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores a cycle with its jobs; 541 for anything that would not run. */
    @Transactional
    public long define(long cabinetId, long ownerUserId, JsonNode spec) {
        String name = name(spec, "Cycle");
        if (Cycles.ON_DEMAND.equalsIgnoreCase(name)) {
            throw OmsException.invalidInput("The name " + Cycles.ON_DEMAND + " is reserved for on-demand requests.");
        }
        if (cycles.findCycle(cabinetId, name).isPresent()) {
            throw OmsException.invalidInput("A cycle named '" + name + "' exists already.");
        }
        String zone = text(spec, "timeZone", 64, false);
        zone = zone.isEmpty() ? "UTC" : zone;
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw OmsException.invalidInput("timeZone '" + zone + "' is not a known time zone.");
        }
        String cron = text(spec, "cron", 120, false);
        Instant next = null;
        if (!cron.isEmpty()) {
            cron = CycleTimetable.normalise(cron);
            try {
                next = CycleTimetable.nextRun(cron, zone, clock.instant());
            } catch (IllegalArgumentException e) {
                throw OmsException.invalidInput("cron '" + cron + "' is not a valid timetable: " + e.getMessage());
            }
            if (next == null) {
                throw OmsException.invalidInput("cron '" + cron + "' never fires.");
            }
            Instant after = CycleTimetable.nextRun(cron, zone, next);
            if (after != null && after.isBefore(next.plus(MIN_INTERVAL))) {
                throw OmsException.invalidInput(
                        "cron '" + cron + "' fires more often than every " + MIN_INTERVAL.toMinutes() + " minutes.");
            }
        }
        JsonNode jobs = spec.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty() || jobs.size() > 50) {
            throw OmsException.invalidInput("jobs must list 1 to 50 jobs.");
        }
        long cycleId = cycles.createCycle(
                cabinetId, name, Cycles.Kind.BATCH, cron.isEmpty() ? null : cron, zone, next, ownerUserId);
        Set<String> names = new HashSet<>();
        for (JsonNode job : jobs) {
            Cycles.Job parsed = job(job);
            if (products.find(cabinetId, parsed.productName()).isEmpty()) {
                throw OmsException.invalidInput(
                        "Job '" + parsed.name() + "': no product named '" + parsed.productName() + "'.");
            }
            if (parsed.channelName() != null
                    && channels.find(cabinetId, parsed.channelName()).isEmpty()) {
                throw OmsException.invalidInput(
                        "Job '" + parsed.name() + "': no channel named '" + parsed.channelName() + "'.");
            }
            if (parsed.dataSource() != null && !dataSources.exists(cabinetId, parsed.dataSource())) {
                throw OmsException.invalidInput(
                        "Job '" + parsed.name() + "': no data source named '" + parsed.dataSource() + "'.");
            }
            if (!names.add(parsed.name())) {
                throw OmsException.invalidInput("Two jobs are named '" + parsed.name() + "'.");
            }
            cycles.addJob(cycleId, parsed);
        }
        return cycleId;
    }

    private static Cycles.Job job(JsonNode spec) {
        String name = name(spec, "Job");
        String type = text(spec, "type", 1, true);
        if (!type.matches("[PMTW]")) {
            throw OmsException.invalidInput("Job '" + name + "': type must be P, M, T or W.");
        }
        String product = text(spec, "productName", 250, true);
        String query = text(spec, "dataQuery", 4000, false);
        String file = text(spec, "dataFile", 1024, false);
        if (!query.isEmpty()
                && !query.strip().toLowerCase(java.util.Locale.ROOT).startsWith("select")) {
            throw OmsException.invalidInput("Job '" + name + "': dataQuery must be a SELECT.");
        }
        if (query.contains(";")) {
            throw OmsException.invalidInput("Job '" + name + "': dataQuery must be a single statement, without ';'.");
        }
        if (!file.isEmpty()) {
            String problem = StoragePaths.folderProblem(file);
            if (problem != null) {
                throw OmsException.invalidInput("Job '" + name + "': dataFile " + problem + ".");
            }
        }
        String filePath = text(spec, "filePath", 500, false);
        String problem = StoragePaths.folderProblem(filePath);
        if (problem != null) {
            throw OmsException.invalidInput("Job '" + name + "': filePath " + problem + ".");
        }
        return new Cycles.Job(
                0,
                0,
                name,
                JobType.valueOf(type),
                product,
                emptyToNull(text(spec, "channelName", 32, false)),
                emptyToNull(text(spec, "dataSource", 64, false)),
                emptyToNull(query),
                emptyToNull(file),
                filePath,
                flag(spec, "doArchive"),
                flag(spec, "skipApproval"));
    }

    /** Creates a job's instance for a date; the maker, when given, may not approve it. */
    @Transactional
    public long addInstance(long cabinetId, long cycleId, long jobId, LocalDateTime date, Long makerUserId) {
        return cycles.instance(jobId, cabinetId, date, makerUserId).id();
    }

    /** Defines the samples' cycles with the cabinet's first supervisor as owner. */
    @Transactional
    public void defineSamples(long cabinetId, JsonNode samples) {
        long owner = jdbc.sql("select min(id) from oms_user where cabinet_id = ? and role = 'SUPERVISOR'")
                .param(cabinetId)
                .query(Long.class)
                .single();
        for (JsonNode spec : samples) {
            long cycleId = define(cabinetId, owner, spec);
            for (JsonNode instance : spec.path("instances")) {
                Cycles.Job job =
                        cycles.findJob(cycleId, instance.path("job").asString()).orElseThrow();
                cycles.instance(
                        job.id(),
                        cabinetId,
                        LocalDateTime.parse(instance.path("date").asString()),
                        null);
            }
        }
    }

    /** Names of cycles and jobs: letters, digits, space, '.', '_' and '-', so that they fit in a URL path. */
    private static String name(JsonNode spec, String what) {
        String name = text(spec, "name", 250, true).strip();
        if (!name.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,249}")) {
            throw OmsException.invalidInput(what + " name '" + name + "' may hold only letters, digits, spaces,"
                    + " '.', '_' and '-', and must start with a letter or digit.");
        }
        return name;
    }

    private static boolean flag(JsonNode spec, String field) {
        JsonNode value = spec.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw OmsException.invalidInput(field + " must be true or false.");
        }
        return value.asBoolean();
    }

    private static String text(JsonNode spec, String field, int max, boolean required) {
        String value = RequestBodies.text(spec, field);
        if (required && value.isBlank()) {
            throw OmsException.invalidInput(field + " is mandatory.");
        }
        if (value.length() > max) {
            throw OmsException.invalidInput(field + " is longer than " + max + " characters.");
        }
        return value;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
