package org.openccm.communication;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
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
            String mailFailure,
            String mailRecipient) {}

    void record(Entry entry) {
        GenerationRequest request = entry.request();
        jdbc.sql("""
                        insert into omsJobQueueItems (request_id, cabinet_id, user_id, operation, product_name,
                            template_version, communication_id, outcome, status_code, description, file_path_name,
                            mail_body_path_name, docx_path_name, do_archive, send_mail, send_message, send_whatsapp,
                            send_facebook, send_twitter, channel_name, inputDataXML, created_at, duration_ms,
                            archive_status, document_index, mail_status, mail_failure, mail_recipient,
                            attachments_location, master_key)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
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
                        truncate(entry.mailFailure(), 500),
                        entry.mailRecipient(),
                        emptyToNull(request.attachmentsLocation()),
                        request.source() == GenerationRequest.Source.DB ? request.data() : null)
                .update();
    }

    /** Ties a ledger row to the batch record it was generated from. */
    void markBatchRecord(long requestId, long spoolId, int seq) {
        jdbc.sql("update omsJobQueueItems set spool_id = ?, record_seq = ? where request_id = ?")
                .params(spoolId, seq, requestId)
                .update();
    }

    /** The channel counts only for synchronous sends (A18); otherwise it was ignored and is not kept. */
    private static String usedChannel(GenerationRequest request) {
        return request.anySynchronousSend() || "Y".equals(request.sendMail()) ? request.channelName() : null;
    }

    /** What became of one text medium of a request; failure is null unless it failed. */
    record TextOutcome(String status, String failure, String channel) {}

    /** The text side of a request: the stored text, the recipients, and each medium asked for. */
    record Texts(String messagePathName, String phone, String socialId, Map<TextMedium, TextOutcome> media) {}

    void recordTexts(long requestId, Texts texts) {
        if (texts.messagePathName() == null && texts.media().isEmpty()) {
            return;
        }
        jdbc.sql("update omsJobQueueItems set message_path_name = ?, phone_recipient = ?, social_recipient = ?"
                        + " where request_id = ?")
                .params(texts.messagePathName(), texts.phone(), texts.socialId(), requestId)
                .update();
        texts.media().forEach((medium, outcome) -> markText(requestId, medium, outcome));
    }

    /** Records the outcome of one text medium, at generation, after a retry or a queued attempt. */
    void markText(long requestId, TextMedium medium, TextOutcome outcome) {
        String prefix = medium.column;
        jdbc.sql("update omsJobQueueItems set " + prefix + "_status = ?, " + prefix + "_failure = ?, " + prefix
                        + "_channel = ? where request_id = ?")
                .params(outcome.status(), truncate(outcome.failure(), 500), outcome.channel(), requestId)
                .update();
    }

    /** What a retry needs to know of an earlier request. */
    record Recorded(
            long requestId,
            String productName,
            String communicationId,
            String filePathName,
            String mailBodyPathName,
            String docxPathName,
            String channelName,
            String archiveStatus,
            String mailStatus,
            String mailRecipient,
            String attachmentsLocation,
            String messagePathName,
            String phone,
            String socialId,
            Map<TextMedium, TextOutcome> texts,
            String masterKey) {}

    Optional<Recorded> find(long cabinetId, long requestId) {
        return jdbc.sql("""
                        select request_id, product_name, communication_id, file_path_name, mail_body_path_name,
                               docx_path_name, channel_name, archive_status, mail_status, mail_recipient,
                               attachments_location, message_path_name, phone_recipient, social_recipient,
                               message_status, message_channel, whatsapp_status, whatsapp_channel,
                               facebook_status, facebook_channel, twitter_status, twitter_channel, master_key
                        from omsJobQueueItems where cabinet_id = ? and request_id = ? and outcome = 'GENERATED'""")
                .params(cabinetId, requestId)
                .query((rs, n) -> new Recorded(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getString(11),
                        rs.getString(12),
                        rs.getString(13),
                        rs.getString(14),
                        texts(rs),
                        rs.getString("master_key")))
                .optional();
    }

    private static Map<TextMedium, TextOutcome> texts(ResultSet rs) throws SQLException {
        Map<TextMedium, TextOutcome> texts = new EnumMap<>(TextMedium.class);
        for (TextMedium medium : TextMedium.values()) {
            String status = rs.getString(medium.column + "_status");
            if (status != null) {
                texts.put(medium, new TextOutcome(status, null, rs.getString(medium.column + "_channel")));
            }
        }
        return texts;
    }

    /** The status columns a retry or the queue may change, by step. */
    private static final Map<String, String> STATUS_COLUMNS = Map.of(
            "ARCHIVE", "archive_status",
            "MAIL", "mail_status",
            "MESSAGE", "message_status",
            "WHATSAPP", "whatsapp_status",
            "FACEBOOK", "facebook_status",
            "TWITTER", "twitter_status");

    /**
     * Claims a failed step for one retry: FAILED becomes RETRYING in one statement, so that of
     * several retries sent at once only one does the step.
     */
    boolean claimRetry(long requestId, String step) {
        return jdbc.sql("update omsJobQueueItems set " + STATUS_COLUMNS.get(step) + " = 'RETRYING' where request_id = ?"
                                + " and " + STATUS_COLUMNS.get(step) + " = 'FAILED'")
                        .param(requestId)
                        .update()
                == 1;
    }

    /** Sets a step's status (QUEUED again while the queue still tries, FAILED when it gave up). */
    void markStep(long requestId, String step, String status) {
        jdbc.sql("update omsJobQueueItems set " + STATUS_COLUMNS.get(step) + " = ? where request_id = ?")
                .params(status, requestId)
                .update();
    }

    void markArchived(long requestId, long documentIndex) {
        jdbc.sql("update omsJobQueueItems set archive_status = 'ARCHIVED', document_index = ? where request_id = ?")
                .params(documentIndex, requestId)
                .update();
    }

    void markMail(long requestId, String status, String failure, String channelName) {
        jdbc.sql("update omsJobQueueItems set mail_status = ?, mail_failure = ?, channel_name = ? where request_id = ?")
                .params(status, truncate(failure, 500), channelName, requestId)
                .update();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
