package org.openccm.communication;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
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

    /** What happened to one request; the paths are null where nothing was written. */
    record Entry(
            long requestId,
            Caller caller,
            GenerationRequest request,
            Integer templateVersion,
            ErrorCode outcome,
            String description,
            String filePathName,
            String mailBodyPathName,
            String docxPathName,
            String inputData,
            Instant createdAt,
            Duration took,
            String archiveStatus,
            Long documentIndex,
            String mailStatus,
            String mailFailure) {}

    void record(Entry entry) {
        GenerationRequest request = entry.request();
        jdbc.sql("""
                        insert into omsJobQueueItems (request_id, cabinet_id, user_id, operation, product_name,
                            template_version, communication_id, outcome, status_code, description, file_path_name,
                            mail_body_path_name, docx_path_name, do_archive, send_mail, send_message, send_whatsapp,
                            send_facebook, send_twitter, channel_name, inputDataXML, created_at, duration_ms,
                            archive_status, document_index, mail_status, mail_failure)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        entry.requestId(),
                        entry.caller().cabinetId(),
                        entry.caller().userId(),
                        request.source().name(),
                        request.productName(),
                        entry.templateVersion(),
                        request.communicationId(),
                        entry.outcome() == ErrorCode.SUCCESS ? "GENERATED" : "FAILED",
                        entry.outcome().code(),
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
                        usedChannel(request),
                        entry.inputData(),
                        Timestamp.from(entry.createdAt()),
                        (int) Math.min(Integer.MAX_VALUE, entry.took().toMillis()),
                        entry.archiveStatus(),
                        entry.documentIndex(),
                        entry.mailStatus(),
                        truncate(entry.mailFailure(), 500))
                .update();
    }

    /** The channel counts only for synchronous sends (A18); otherwise it was ignored and is not kept. */
    private static String usedChannel(GenerationRequest request) {
        return request.anySynchronousSend() ? request.channelName() : null;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
