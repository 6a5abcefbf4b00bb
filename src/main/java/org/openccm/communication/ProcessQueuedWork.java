package org.openccm.communication;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.openccm.communication.RequestLedger.Recorded;
import org.openccm.communication.WorkQueue.Claimed;
import org.openccm.delivery.DeliveryOutcome;
import org.openccm.shared.config.WorkerPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The queue worker of this instance: claims due archival and mail items and does them with the
 * same steps as Retry. A step that fails is tried again later with exponential backoff; an item
 * whose worker died is taken over when its lease runs out. Each step first checks whether it was
 * already done, so a taken-over item is not done twice.
 */
@Component
@ConditionalOnProperty(name = "oms.queue.enabled", havingValue = "true", matchIfMissing = true)
class ProcessQueuedWork {
    private static final Logger log = LoggerFactory.getLogger(ProcessQueuedWork.class);
    private final WorkQueue queue;
    private final RequestLedger ledger;
    private final RetryCommunication steps;

    private final ExecutorService workers;
    private final int batchSize;
    private final Clock clock;

    ProcessQueuedWork(
            WorkQueue queue, RequestLedger ledger, RetryCommunication steps, QueueProperties properties, Clock clock) {
        this.clock = clock;
        this.queue = queue;
        this.ledger = ledger;
        this.steps = steps;
        this.batchSize = properties.batchSize();
        this.workers = WorkerPools.daemons("queue-worker", properties.workers());
    }

    @PreDestroy
    void stop() throws InterruptedException {
        WorkerPools.shutdown(workers);
    }

    @Scheduled(fixedDelayString = "${oms.queue.poll-interval:1s}", initialDelayString = "${oms.queue.poll-interval:1s}")
    void processDueItems() {
        List<Claimed> claimed;
        do {
            claimed = queue.claim();
            processBatch(claimed);
        } while (claimed.size() == batchSize && !workers.isShutdown());
    }

    /** Runs one claimed batch on the worker threads and waits for all of it. */
    private void processBatch(List<Claimed> claimed) {
        List<Future<?>> running = new ArrayList<>();
        for (Claimed item : claimed) {
            running.add(workers.submit(() -> processOne(item)));
        }
        for (Future<?> item : running) {
            try {
                item.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                log.warn(
                        "A queue worker ended abnormally: {}",
                        e.getCause().getClass().getSimpleName());
            }
        }
    }

    private void processOne(Claimed item) {
        if (item.isLeaseOver(clock.instant())) {
            log.info(
                    "Queued {} of request {} waited past its lease; left for the next claim",
                    item.kind(),
                    item.requestId());
            return;
        }
        MDC.put("requestId", Long.toString(item.requestId()));
        try {
            process(item);
        } catch (RuntimeException e) {
            log.warn(
                    "Queued {} of request {} failed on attempt {} ({}); tried again later",
                    item.kind(),
                    item.requestId(),
                    item.attempts(),
                    e.getClass().getSimpleName());
            attemptFailed(item, "unexpected " + e.getClass().getSimpleName());
        } finally {
            MDC.remove("requestId");
        }
    }

    private void process(Claimed item) {
        Optional<Recorded> recorded = ledger.find(item.cabinetId(), item.requestId());
        if (recorded.isEmpty()) {
            attemptFailed(item, "the request is not in the ledger");
            return;
        }
        if (WorkQueue.ARCHIVE.equals(item.kind())) {
            if (steps.archiveStep(item.cabinetId(), recorded.get())) {
                queue.markDone(item);
            } else {
                attemptFailed(item, "archival failed");
            }
            return;
        }
        DeliveryOutcome outcome = switch (item.kind()) {
            case "MESSAGE", "WHATSAPP", "FACEBOOK", "TWITTER" ->
                steps.textStep(item.cabinetId(), recorded.get(), TextMedium.valueOf(item.kind()), item.channelName());
            default -> steps.mailStep(item.cabinetId(), recorded.get(), item.channelName());
        };
        if (outcome.delivered()) {
            queue.markDone(item);
        } else {
            attemptFailed(item, outcome.reason());
        }
    }

    /**
     * The step failed this time: the ledger shows QUEUED while the queue will try again, and
     * FAILED, for Retry, once it has given up.
     */
    private void attemptFailed(Claimed item, String reason) {
        boolean gaveUp = queue.markAttemptFailed(item, reason);
        ledger.markStep(item.requestId(), item.kind(), gaveUp ? "FAILED" : "QUEUED");
    }
}
