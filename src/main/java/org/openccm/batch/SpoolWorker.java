package org.openccm.batch;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.multipdf.PDFMergerUtility;
import org.openccm.batch.Cycles.Instance;
import org.openccm.batch.Cycles.Job;
import org.openccm.batch.Spools.Chunk;
import org.openccm.batch.Spools.PendingRecord;
import org.openccm.batch.Spools.Spool;
import org.openccm.communication.BatchDocuments;
import org.openccm.communication.BatchDocuments.RecordTakenException;
import org.openccm.servicemanager.Services;
import org.openccm.session.Caller;
import org.openccm.shared.config.WorkerPools;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.OutputStore;
import org.openccm.storage.StoragePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The batch worker of this instance. It reads the records of new spools into the database, then
 * generates them chunk by chunk alongside the workers of every other instance, then finishes each
 * spool (the merged print file of a print job) and hands it to approval or, once approved, to the
 * delivery queue. Every step is claimed with a lease and completed only by its holder, so a worker
 * that dies leaves its step to another, and a record is generated once.
 */
@Component
@ConditionalOnProperty(name = "oms.batch.enabled", havingValue = "true", matchIfMissing = true)
class SpoolWorker {
    private static final Logger log = LoggerFactory.getLogger(SpoolWorker.class);
    private static final int INSERT_BATCH = 500;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");
    private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() {};

    private final Spools spools;
    private final Cycles cycles;
    private final DatasetReader datasets;
    private final BatchDocuments documents;
    private final OutputStore store;
    private final BatchProperties properties;
    private final ObjectMapper mapper;
    private final JdbcClient jdbc;
    private final Services services;
    private final ExecutorService workers;
    private final AtomicInteger running = new AtomicInteger();
    private final Map<Long, BatchDocuments.Plan> plans = new ConcurrentHashMap<>();

    SpoolWorker(
            Spools spools,
            Cycles cycles,
            DatasetReader datasets,
            BatchDocuments documents,
            OutputStore store,
            BatchProperties properties,
            RequestBodies bodies,
            JdbcClient jdbc,
            Services services) {
        this.services = services;
        this.spools = spools;
        this.cycles = cycles;
        this.datasets = datasets;
        this.documents = documents;
        this.store = store;
        this.properties = properties;
        this.mapper = bodies.mapper();
        this.jdbc = jdbc;
        this.workers = WorkerPools.daemons("batch-worker", properties.maxWorkers());
    }

    @PreDestroy
    void stop() throws InterruptedException {
        WorkerPools.shutdown(workers);
    }

    @Scheduled(fixedDelayString = "${oms.batch.poll-interval:1s}", initialDelayString = "${oms.batch.poll-interval:1s}")
    void poll() {
        if (workers.isShutdown()) {
            return;
        }
        try {
            spools.claimEnumeration(properties.lease()).ifPresent(this::enumerate);
            startChunkWorkers();
            Optional<Spool> finishing;
            while ((finishing = spools.claimFinishing(properties.lease())).isPresent()) {
                finish(finishing.get());
            }
            for (Spool approved : spools.approvedAwaiting()) {
                release(approved);
            }
        } catch (RuntimeException e) {
            log.warn("Batch poll failed: {}", e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The worker count that the Batchgen service asks for: its ServiceCount, up to this instance's
     * maximum; none while it is stopped. Without a registered batch service, the maximum.
     */
    int allowedWorkers() {
        Integer desired = jdbc.sql("select max(desired_count) from oms_service where work_kind = 'BATCH'")
                .query(Integer.class)
                .optional()
                .orElse(null);
        return desired == null ? properties.maxWorkers() : Math.min(desired, properties.maxWorkers());
    }

    private void startChunkWorkers() {
        int allowed = allowedWorkers();
        while (running.get() < allowed) {
            running.incrementAndGet();
            workers.submit(this::workChunks);
        }
    }

    /** Claims and generates chunks until none is left or the service was scaled down. */
    private void workChunks() {
        try {
            while (!workers.isShutdown() && running.get() <= allowedWorkers()) {
                Optional<Chunk> chunk = spools.claimChunk(properties.lease());
                if (chunk.isEmpty()) {
                    return;
                }
                generateChunk(chunk.get());
            }
        } catch (RuntimeException e) {
            log.warn("A batch worker stopped: {}", e.getClass().getSimpleName(), e);
        } finally {
            running.decrementAndGet();
        }
    }

    // ---- reading the dataset -------------------------------------------------------------------

    private void enumerate(Spool spool) {
        MDC.put("spool", Long.toString(spool.id()));
        try {
            Instance instance = cycles.instanceById(spool.instanceId()).orElseThrow();
            Job job = cycles.job(instance.jobId()).orElseThrow();
            FilterCondition filter = FilterCondition.parse(spool.filterCondition());
            spools.clearRecords(spool.id());
            List<PendingRecord> buffer = new ArrayList<>(INSERT_BATCH);
            int[] seq = {0};
            int[] chunkStart = {1};
            int[] chunkNo = {0};
            long started = System.nanoTime();
            datasets.read(spool.cabinetId(), job, record -> {
                if (!filter.matches(record)) {
                    return;
                }
                int next = ++seq[0];
                buffer.add(new PendingRecord(next, mapper.writeValueAsString(record)));
                if (buffer.size() == INSERT_BATCH) {
                    spools.insertRecords(spool.id(), buffer);
                    buffer.clear();
                }
                if (next - chunkStart[0] + 1 == properties.chunkSize()) {
                    spools.insertChunk(spool.id(), ++chunkNo[0], chunkStart[0], next);
                    chunkStart[0] = next + 1;
                }
                if (next % 5_000 == 0) {
                    spools.renewLease(spool.id(), properties.lease());
                }
            });
            spools.insertRecords(spool.id(), buffer);
            if (chunkStart[0] <= seq[0]) {
                spools.insertChunk(spool.id(), ++chunkNo[0], chunkStart[0], seq[0]);
            }
            if (spools.finishEnumeration(spool.id(), seq[0])) {
                log.info(
                        "Spool {} read {} records into {} chunks in {} ms",
                        spool.id(),
                        seq[0],
                        chunkNo[0],
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (DatasetReader.UnreadableDatasetException | FilterCondition.InvalidFilterException e) {
            log.warn("Spool {} failed: {}", spool.id(), e.getMessage());
            spools.fail(spool.id(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Spool {} failed while reading its records", spool.id(), e);
            spools.fail(
                    spool.id(), "reading the records failed: " + e.getClass().getSimpleName());
        } finally {
            MDC.remove("spool");
        }
    }

    // ---- generating ----------------------------------------------------------------------------

    private void generateChunk(Chunk chunk) {
        MDC.put("spool", Long.toString(chunk.spoolId()));
        try {
            Spool spool = spools.byId(chunk.spoolId()).orElseThrow();
            Instance instance = cycles.instanceById(spool.instanceId()).orElseThrow();
            Job job = cycles.job(instance.jobId()).orElseThrow();
            Caller maker = maker(spool, instance, job);
            BatchDocuments.Plan plan;
            try {
                plan = plans.computeIfAbsent(spool.id(), id -> documents.plan(maker, spec(job, instance)));
            } catch (OmsException e) {
                spools.fail(spool.id(), e.description());
                spools.finishChunk(chunk);
                return;
            }
            int processed = 0;
            try {
                for (PendingRecord record : spools.pendingRecords(chunk)) {
                    if (!generateRecord(maker, plan, spool, record)) {
                        spools.returnChunk(chunk);
                        return;
                    }
                    processed++;
                }
                spools.finishChunk(chunk);
            } finally {
                services.countProcessed(spool.cabinetId(), "BATCH", processed);
            }
        } finally {
            MDC.remove("spool");
        }
    }

    /** @return false when the server is too busy and the chunk should be tried again later */
    private boolean generateRecord(Caller maker, BatchDocuments.Plan plan, Spool spool, PendingRecord record) {
        Map<String, Object> data = mapper.readValue(record.data(), RECORD);
        for (int attempt = 1; ; attempt++) {
            try {
                documents.generate(maker, plan, data, spool.id(), record.seq(), requestId -> {
                    if (!spools.markGenerated(spool.id(), record.seq(), requestId)) {
                        throw new RecordTakenException();
                    }
                });
                return true;
            } catch (RecordTakenException taken) {
                return true;
            } catch (OmsException e) {
                if (e.errorCode() == ErrorCode.SERVER_BUSY) {
                    if (attempt >= 5) {
                        return false;
                    }
                    continue;
                }
                spools.markFailed(spool.id(), record.seq(), e.description());
                return true;
            } catch (RuntimeException e) {
                spools.markFailed(
                        spool.id(), record.seq(), "unexpected " + e.getClass().getSimpleName());
                return true;
            }
        }
    }

    private Caller maker(Spool spool, Instance instance, Job job) {
        Long userId = spool.makerUserId() != null ? spool.makerUserId() : instance.makerUserId();
        if (userId == null) {
            userId = cycles.cycleOfJob(job.id()).orElseThrow().ownerUserId();
        }
        return cycles.actingUser(spool.cabinetId(), userId);
    }

    static BatchDocuments.JobSpec spec(Job job, Instance instance) {
        return new BatchDocuments.JobSpec(
                job.productName(),
                job.dataQuery() != null && !job.dataQuery().isBlank(),
                job.type(),
                job.channelName(),
                job.doArchive(),
                job.filePath(),
                safeName(job.name()) + "_" + STAMP.format(instance.date()));
    }

    private static String safeName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_-]", "_");
        return cleaned.length() > 60 ? cleaned.substring(0, 60) : cleaned;
    }

    // ---- finishing -----------------------------------------------------------------------------

    private void finish(Spool spool) {
        MDC.put("spool", Long.toString(spool.id()));
        plans.remove(spool.id());
        try {
            Instance instance = cycles.instanceById(spool.instanceId()).orElseThrow();
            Job job = cycles.job(instance.jobId()).orElseThrow();
            if (job.type() == BatchDocuments.JobType.P) {
                String volumes = mergePrintFile(spool, job, instance);
                spools.setPrintFile(spool.id(), volumes.isEmpty() ? null : volumes);
            }
            if (!spool.isApproved() && job.skipApproval()) {
                spools.approve(spool.id(), null);
                spool = spools.byId(spool.id()).orElseThrow();
            }
            spools.finish(spool.id(), Spools.State.AWAITING_APPROVAL);
            if (spool.isApproved()) {
                release(spool);
            } else {
                log.info("Spool {} waits for approval", spool.id());
            }
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Spool {} could not be finished: {}",
                    spool.id(),
                    e.getClass().getSimpleName(),
                    e);
            spools.fail(spool.id(), "finishing failed: " + e.getClass().getSimpleName());
        } finally {
            MDC.remove("spool");
        }
    }

    /** Releases an approved spool to the delivery queue. */
    void release(Spool spool) {
        Instance instance = cycles.instanceById(spool.instanceId()).orElseThrow();
        Job job = cycles.job(instance.jobId()).orElseThrow();
        int queued = documents.release(spool.id(), job.type(), job.doArchive());
        if (spools.markReleased(spool.id())) {
            log.info("Spool {} released: {} queued steps", spool.id(), queued);
        }
    }

    /**
     * Merges the spool's documents in record order into print volumes of at most
     * printVolumeSize documents each, cached in temporary files rather than memory.
     *
     * @return the storage keys of the volumes, separated by ';'
     */
    private String mergePrintFile(Spool spool, Job job, Instance instance) throws IOException {
        List<String> volumes = new ArrayList<>();
        int after = 0;
        String base = safeName(job.name()) + "_" + STAMP.format(instance.date()) + "_spool" + spool.id() + "_print";
        while (true) {
            List<String> page = spools.documentKeys(spool.id(), after, properties.printVolumeSize());
            if (page.isEmpty()) {
                break;
            }
            String key = StoragePaths.join(job.filePath(), base + "_" + (volumes.size() + 1) + ".pdf");
            Path merged = Files.createTempFile("oms-print-", ".pdf");
            try {
                PDFMergerUtility merger = new PDFMergerUtility();
                for (String row : page) {
                    String documentKey = row.substring(row.indexOf('\t') + 1);
                    merger.addSource(new RandomAccessReadBuffer(store.read(spool.cabinetId(), documentKey)));
                }
                merger.setDestinationFileName(merged.toString());
                merger.mergeDocuments(IOUtils.createTempFileOnlyStreamCache());
                store.delete(spool.cabinetId(), key);
                store.writeFile(spool.cabinetId(), key, merged);
            } finally {
                Files.deleteIfExists(merged);
            }
            volumes.add(key);
            String last = page.get(page.size() - 1);
            after = Integer.parseInt(last.substring(0, last.indexOf('\t')));
        }
        log.info("Spool {} print file: {} volumes", spool.id(), volumes.size());
        return String.join(";", volumes);
    }
}
