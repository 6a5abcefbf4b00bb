package org.openccm.shared.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of processUsingDB, processUsingXML and processUsingJSON, success or failure, with the
 * field names and JSON types of the guide's samples (A08, A23): requestId is a number for DB and
 * a string otherwise; only the XML/JSON variants carry mainCode, transactionId and the extra
 * encoded outputs.
 */
public final class GenerationResponse {
    public int status;
    public String description = "";
    public long requestId;
    public String communicationId = "";
    public String filePathName = "";
    public String mailBodyPathName = "";
    public String latestBaselinedVersion = "";
    public String transactionId = "0";
    public String encodedFileData = "";
    public String encodedMailBodyData = "";
    public String encodedDocxData = "";
    public String archivalDescription = "";
    public String documentName = "";
    public long documentIndex;
    public long volumeIndex;
    public long imageIndex;
    public String mailStatus = "";
    public String messageStatus = "";
    public String whatsappStatus = "";
    public String facebookStatus = "";
    public String twitterStatus = "";

    public static GenerationResponse failure(
            ErrorCode code, String description, long requestId, String communicationId) {
        GenerationResponse response = new GenerationResponse();
        response.status = code.code();
        response.description = description;
        response.requestId = requestId;
        response.communicationId = communicationId == null ? "" : communicationId;
        return response;
    }

    public Map<String, Object> toBody(Operation operation) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean db = operation == Operation.PROCESS_USING_DB;
        body.put("status", status);
        if (!db) {
            body.put("mainCode", status);
        }
        body.put("description", description);
        body.put("requestId", db ? (Object) requestId : (Object) Long.toString(requestId));
        body.put("communicationId", communicationId);
        body.put("filePathName", filePathName);
        body.put("mailBodyPathName", mailBodyPathName);
        body.put("latestBaselinedVersion", latestBaselinedVersion);
        if (!db) {
            body.put("transactionId", transactionId);
        }
        body.put("encodedFileData", encodedFileData);
        if (!db) {
            body.put("encodedMailBodyData", encodedMailBodyData);
            body.put("encodedDocxData", encodedDocxData);
        }
        body.put("archivalDescription", archivalDescription);
        Map<String, Object> archival = new LinkedHashMap<>();
        archival.put("documentName", documentName);
        archival.put("documentIndex", documentIndex);
        archival.put("volumeIndex", volumeIndex);
        archival.put("imageIndex", imageIndex);
        body.put("archivalDetails", archival);
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("messageStatus", messageStatus);
        delivery.put("whatsappStatus", whatsappStatus);
        delivery.put("mailStatus", mailStatus);
        delivery.put("twitterStatus", twitterStatus);
        delivery.put("facebookStatus", facebookStatus);
        body.put("synchronousDelivery", delivery);
        return body;
    }
}
