package org.openccm.delivery;

import java.util.List;

/**
 * A mail to send for one request.
 *
 * @param recipient the address taken from the record, or null to use the channel's fallback
 * @param idempotencyKey stable for one (request, medium), so that a retried send can be recognised
 */
public record MailMessage(
        String recipient, String subject, String htmlBody, List<Attachment> attachments, String idempotencyKey) {

    /** A file attached to the mail. */
    public record Attachment(String fileName, String contentType, byte[] content) {}

    @Override
    public String toString() {
        return "MailMessage[" + idempotencyKey + ", attachments=" + attachments.size() + "]";
    }
}
