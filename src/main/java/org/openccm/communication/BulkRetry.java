package org.openccm.communication;

import jakarta.annotation.PreDestroy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retry, bulk mode (contract 4.4 and A24/A25): every request of a product in a time window with a
 * failed step is retried in the background, and the results are POSTed once to the callBackUrl.
 */
@Service
class BulkRetry {
    private static final Logger log = LoggerFactory.getLogger(BulkRetry.class);
    private final JdbcClient jdbc;
    private final RetryCommunication retries;
    private final CallbackGuard guard;
    private final CallbackProperties properties;
    /** One bulk retry runs at a time per instance; at most a few more wait, the rest are refused. */
    private final ThreadPoolExecutor background =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4), runnable -> {
                Thread thread = new Thread(runnable, "bulk-retry");
                thread.setDaemon(true);
                return thread;
            });

    private final ObjectMapper json = JsonMapper.builder().build();

    BulkRetry(JdbcClient jdbc, RetryCommunication retries, CallbackGuard guard, CallbackProperties properties) {
        this.jdbc = jdbc;
        this.retries = retries;
        this.guard = guard;
        this.properties = properties;
    }

    /**
     * Starts the retry of the window and returns how many requests it covers.
     *
     * @throws OmsException 5006 when no request in the window has a failed step
     */
    int start(Caller caller, String productName, LocalDateTime from, LocalDateTime to, String callBackUrl) {
        List<Long> requests = jdbc.sql("""
                        select request_id from omsJobQueueItems
                        where cabinet_id = ? and product_name = ? and created_at >= ? and created_at <= ?
                          and outcome = 'GENERATED'
                          and (archive_status = 'FAILED' or mail_status = 'FAILED' or message_status = 'FAILED'
                               or whatsapp_status = 'FAILED' or facebook_status = 'FAILED'
                               or twitter_status = 'FAILED')
                        order by request_id""")
                .params(caller.cabinetId(), productName, timestamp(from), timestamp(to))
                .query(Long.class)
                .list();
        if (requests.isEmpty()) {
            throw new OmsException(ErrorCode.NOTHING_TO_RETRY, "No failed request of that product in the window.");
        }
        try {
            background.execute(() -> run(caller, productName, from, to, callBackUrl, requests));
        } catch (RejectedExecutionException busy) {
            throw new OmsException(
                    ErrorCode.RETRY_FAILED_UNEXPECTEDLY, "Too many bulk retries are waiting; try again later.");
        }
        return requests.size();
    }

    private void run(
            Caller caller,
            String productName,
            LocalDateTime from,
            LocalDateTime to,
            String callBackUrl,
            List<Long> ids) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (long requestId : ids) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("requestId", Long.toString(requestId));
            try {
                RetryCommunication.Result outcome = retries.retry(caller, requestId, "");
                result.put("status", Integer.toString(outcome.code().code()));
                result.put("description", outcome.description());
            } catch (OmsException e) {
                result.put("status", Integer.toString(e.errorCode().code()));
                result.put("description", e.description());
            } catch (RuntimeException e) {
                log.error("Bulk retry of request {} failed unexpectedly", requestId, e);
                result.put("status", Integer.toString(ErrorCode.RETRY_FAILED_UNEXPECTEDLY.code()));
                result.put("description", ErrorCode.RETRY_FAILED_UNEXPECTEDLY.guideMessage());
            }
            results.add(result);
        }
        log.info("Bulk retry of {} requests of product {} finished", ids.size(), productName);
        if (!callBackUrl.isEmpty()) {
            report(callBackUrl, productName, from, to, results);
        }
    }

    private void report(
            String callBackUrl,
            String productName,
            LocalDateTime from,
            LocalDateTime to,
            List<Map<String, Object>> results) {
        String problem = guard.problem(callBackUrl);
        if (problem != null) {
            log.warn("Bulk retry report not sent: the callback URL {} now", problem);
            return;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("productName", productName);
        report.put("dateFrom", RetryController.DATE_TIME.format(from));
        report.put("dateTo", RetryController.DATE_TIME.format(to));
        report.put("results", results);
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(properties.timeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            HttpResponse<Void> answer = http.send(
                    HttpRequest.newBuilder(URI.create(callBackUrl))
                            .timeout(properties.timeout())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(report)))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            log.info("Bulk retry report delivered to the callback with HTTP {}", answer.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn(
                    "Bulk retry report could not be delivered: {}", e.getClass().getSimpleName());
        }
    }

    private static Timestamp timestamp(LocalDateTime time) {
        return Timestamp.from(time.atZone(ZoneId.systemDefault()).toInstant());
    }

    @PreDestroy
    void stop() throws InterruptedException {
        background.shutdown();
        background.awaitTermination(10, TimeUnit.SECONDS);
    }
}
