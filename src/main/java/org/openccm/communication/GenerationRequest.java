package org.openccm.communication;

import org.openccm.shared.errors.OmsException;
import org.openccm.shared.web.RequestBodies;
import org.openccm.storage.StoragePaths;
import tools.jackson.databind.JsonNode;

/**
 * A generation request after field validation (contract 4.3). Every check here answers 541 with
 * the field's name; business rules (unknown product, channels, versions) come later.
 */
record GenerationRequest(
        Source source,
        String productName,
        String doArchive,
        String skipApproval,
        String skipEditing,
        String sendMail,
        String sendWhatsapp,
        String sendMessage,
        String sendFacebook,
        String sendTwitter,
        String channelName,
        String communicationId,
        String attachmentsLocation,
        boolean encodedOutputRequired,
        String fileName,
        String filePath,
        Integer reportVersion,
        boolean saveClientData,
        String data) {

    /** Which operation, and so which field carries the record. */
    enum Source {
        DB("masterKey", 50),
        XML("xmlData", 0),
        JSON("jsonData", 0);

        final String field;
        final int maxLength;

        Source(String field, int maxLength) {
            this.field = field;
            this.maxLength = maxLength;
        }
    }

    static GenerationRequest from(JsonNode body, Source source) {
        String productName = RequestBodies.text(body, "productName");
        checkLength("productName", productName, 250);
        checkPrintable("productName", productName);
        String doArchive = flag(body, "doArchive", "YNS", true);
        String skipApproval = flag(body, "skipApproval", "YN", true);
        String skipEditing = flag(body, "skipEditing", "YN", true);
        String channelName = RequestBodies.text(body, "channelName");
        checkPrintable("channelName", channelName);
        String communicationId = RequestBodies.text(body, "communicationId");
        if (!communicationId.matches("([1-9][0-9]{0,8})?")) {
            throw OmsException.invalidInput("communicationId must be a whole number from 1 to 999999999.");
        }
        String attachmentsLocation = RequestBodies.text(body, "attachmentsLocation");
        checkLength("attachmentsLocation", attachmentsLocation, 100);
        checkPath("attachmentsLocation", StoragePaths.folderProblem(attachmentsLocation));
        String fileName = RequestBodies.text(body, "fileName");
        checkLength("fileName", fileName, 200);
        checkPath("fileName", StoragePaths.fileNameProblem(fileName));
        String filePath = RequestBodies.text(body, "filePath");
        checkLength("filePath", filePath, 500);
        checkPath("filePath", StoragePaths.folderProblem(filePath));
        String reportVersion = RequestBodies.text(body, "reportVersion");
        if (!reportVersion.matches("([1-9][0-9]{0,2})?")) {
            throw OmsException.invalidInput("reportVersion must be a whole number from 1 to 999, or empty.");
        }
        String data = RequestBodies.text(body, source.field);
        if (data.isEmpty()) {
            throw OmsException.invalidInput(source.field + " is mandatory.");
        }
        if (source.maxLength > 0) {
            checkLength(source.field, data, source.maxLength);
        }
        return new GenerationRequest(
                source,
                productName,
                doArchive,
                skipApproval,
                skipEditing,
                flag(body, "sendMail", "YNS", false),
                flag(body, "sendWhatsapp", "YNS", false),
                flag(body, "sendMessage", "YNS", false),
                flag(body, "sendFacebook", "YNS", false),
                flag(body, "sendTwitter", "YNS", false),
                channelName,
                communicationId,
                attachmentsLocation,
                "Y".equals(flag(body, "encodedPDFRequired", "YN", false)),
                fileName,
                filePath,
                reportVersion.isEmpty() ? null : Integer.valueOf(reportVersion),
                "Y".equals(flag(body, "saveClientData", "YN", false)),
                data);
    }

    /** A single upper-case letter from the allowed set; an optional flag left out reads as N. */
    private static String flag(JsonNode body, String field, String allowed, boolean mandatory) {
        String value = RequestBodies.text(body, field);
        if (value.isEmpty()) {
            if (mandatory) {
                throw OmsException.invalidInput(
                        field + " is mandatory (one of " + String.join(", ", allowed.split("")) + ").");
            }
            return "N";
        }
        if (value.length() != 1 || allowed.indexOf(value.charAt(0)) < 0) {
            throw OmsException.invalidInput(field + " must be one of " + String.join(", ", allowed.split("")) + ".");
        }
        return value;
    }

    private static void checkLength(String field, String value, int max) {
        if (value.length() > max) {
            throw OmsException.invalidInput(field + " is longer than " + max + " characters.");
        }
    }

    private static void checkPrintable(String field, String value) {
        if (value.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw OmsException.invalidInput(field + " must not contain control characters.");
        }
    }

    private static void checkPath(String field, String problem) {
        if (problem != null) {
            throw OmsException.invalidInput(field + " " + problem + ".");
        }
    }

    boolean anySynchronousSend() {
        return "S".equals(sendMail)
                || "S".equals(sendWhatsapp)
                || "S".equals(sendMessage)
                || "S".equals(sendFacebook)
                || "S".equals(sendTwitter);
    }

    /** Steps this server version cannot do yet: queued work, and delivery other than mail now. */
    boolean anyStepNotAvailableYet() {
        return !"N".equals(sendFacebook) || !"N".equals(sendTwitter);
    }

    @Override
    public String toString() {
        return "GenerationRequest[" + source + ", product=" + productName + ", data hidden]";
    }
}
