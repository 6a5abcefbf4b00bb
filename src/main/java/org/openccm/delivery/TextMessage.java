package org.openccm.delivery;

/**
 * A text message (SMS or WhatsApp) to send for one request.
 *
 * @param recipient the phone number from the record (E.164, e.g. +447700900123), or null to use
 *     the channel's fallback
 * @param idempotencyKey stable for one (request, medium); gateways that honour an idempotency key
 *     receive it, so a retried send is not delivered twice
 */
public record TextMessage(String recipient, String text, String idempotencyKey) {
    @Override
    public String toString() {
        return "TextMessage[" + idempotencyKey + ", " + text.length() + " chars]";
    }
}
