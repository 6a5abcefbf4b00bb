package org.openccm.communication;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The omsJobQueueItems table: one row per generation request with who, when, which product and
 * version, the outcome and the duration. Later steps (delivery, archival, retry, reports) start
 * from these rows.
 */
@Repository
class RequestLedger {
    private final JdbcClient jdbc;

    RequestLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The next requestId from the database sequence: unique and increasing across instances. */
    long nextRequestId() {
        return jdbc.sql("select nextval('oms_request_id_seq')")
                .query(Long.class)
                .single();
    }

    /** What happened to one request. */
    record Entry(
            long requestId,
            long cabinetId,
            long userId,
            String operation,
            GenerationRequest request,
            Integer templateVersion,
            String outcome,
            int statusCode,
            String description,
            String filePathName,
            String mailBodyPathName,
            String docxPathName,
            String inputData,
            Instant createdAt,
            long durationMillis) {}

    void record(Entry entry) {
        GenerationRequest request = entry.request();
        jdbc.sql("""
                        insert into omsJobQueueItems (request_id, cabinet_id, user_id, operation, product_name,
                            template_version, communication_id, outcome, status_code, description, file_path_name,
                            mail_body_path_name, docx_path_name, do_archive, send_mail, send_message, send_whatsapp,
                            send_facebook, send_twitter, channel_name, inputDataXML, created_at, duration_ms)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        entry.requestId(),
                        entry.cabinetId(),
                        entry.userId(),
                        entry.operation(),
                        request.productName(),
                        entry.templateVersion(),
                        request.communicationId(),
                        entry.outcome(),
                        entry.statusCode(),
                        truncate(entry.description(), 1000),
                        entry.filePathName(),
                        entry.mailBodyPathName(),
                        entry.docxPathName(),
                        request.doArchive(),
                        request.sendMail(),
                        request.sendMessage(),
                        request.sendWhatsapp(),
                        request.sendFacebook(),
                        request.sendTwitter(),
                        request.channelName(),
                        entry.inputData(),
                        Timestamp.from(entry.createdAt()),
                        (int) Math.min(Integer.MAX_VALUE, entry.durationMillis()))
                .update();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
