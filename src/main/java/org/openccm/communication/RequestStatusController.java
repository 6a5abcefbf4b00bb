package org.openccm.communication;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.session.Authenticator;
import org.openccm.session.Caller;
import org.openccm.shared.errors.ErrorCode;
import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.QueryParameters;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Status of generation requests for people and tools that watch them (any role that may log in):
 * generation outcome, archival and mail state, by requestId, communicationId, product, state and
 * date range.
 */
@RestController
class RequestStatusController {
    private final Authenticator authenticator;
    private final JdbcClient jdbc;

    RequestStatusController(Authenticator authenticator, JdbcClient jdbc) {
        this.authenticator = authenticator;
        this.jdbc = jdbc;
    }

    @GetMapping(path = "/admin/requests", produces = "application/json")
    List<Map<String, Object>> find(
            HttpServletRequest request,
            @RequestParam(required = false) String requestId,
            @RequestParam(required = false) String communicationId,
            @RequestParam(required = false) String productName,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "100") String limit) {
        Caller caller = authenticator.requireCaller(request, ErrorCode.CABINET_NOT_FOUND);
        StringBuilder sql = new StringBuilder("""
                select request_id, communication_id, product_name, template_version, outcome, status_code, description,
                       file_path_name, archive_status, document_index, mail_status, mail_failure, channel_name,
                       message_status, message_failure, whatsapp_status, whatsapp_failure, facebook_status,
                       facebook_failure, twitter_status, twitter_failure, created_at, duration_ms
                from omsJobQueueItems where cabinet_id = ?""");
        List<Object> params = new ArrayList<>(List.of(caller.cabinetId()));
        if (requestId != null && !requestId.isEmpty()) {
            sql.append(" and request_id = ?");
            params.add(QueryParameters.whole("requestId", requestId));
        }
        if (communicationId != null && !communicationId.isEmpty()) {
            sql.append(" and communication_id = ?");
            params.add(communicationId);
        }
        if (productName != null && !productName.isEmpty()) {
            sql.append(" and product_name = ?");
            params.add(productName);
        }
        if (status != null && !status.isEmpty()) {
            if (!status.matches("GENERATED|FAILED|QUEUED|ARCHIVED|DELIVERED")) {
                throw OmsException.invalidInput("status is one of GENERATED, FAILED, QUEUED, ARCHIVED, DELIVERED.");
            }
            sql.append(" and (outcome = ? or archive_status = ? or mail_status = ? or message_status = ?"
                    + " or whatsapp_status = ? or facebook_status = ? or twitter_status = ?)");
            for (int i = 0; i < 7; i++) {
                params.add(status);
            }
        }
        if (from != null && !from.isEmpty()) {
            sql.append(" and created_at >= ?");
            params.add(Timestamp.from(QueryParameters.instant("from", from)));
        }
        if (to != null && !to.isEmpty()) {
            sql.append(" and created_at <= ?");
            params.add(Timestamp.from(QueryParameters.instant("to", to)));
        }
        sql.append(" order by request_id desc limit ")
                .append(Math.min(1000, Math.max(1, QueryParameters.whole("limit", limit))));
        return jdbc.sql(sql.toString())
                .params(params)
                .query((rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("requestId", rs.getLong("request_id"));
                    row.put("communicationId", rs.getString("communication_id"));
                    row.put("productName", rs.getString("product_name"));
                    row.put("version", rs.getObject("template_version"));
                    row.put("outcome", rs.getString("outcome"));
                    row.put("status", rs.getInt("status_code"));
                    row.put("description", rs.getString("description"));
                    row.put("filePathName", rs.getString("file_path_name"));
                    row.put("archiveStatus", rs.getString("archive_status"));
                    row.put("documentIndex", rs.getObject("document_index"));
                    row.put("mailStatus", rs.getString("mail_status"));
                    row.put("mailFailure", rs.getString("mail_failure"));
                    row.put("channelName", rs.getString("channel_name"));
                    for (TextMedium medium : TextMedium.values()) {
                        row.put(medium.column + "Status", rs.getString(medium.column + "_status"));
                        row.put(medium.column + "Failure", rs.getString(medium.column + "_failure"));
                    }
                    row.put(
                            "createdAt",
                            rs.getTimestamp("created_at").toInstant().toString());
                    row.put("durationMs", rs.getInt("duration_ms"));
                    return row;
                })
                .list();
    }
}
