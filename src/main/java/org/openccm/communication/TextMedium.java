package org.openccm.communication;

/**
 * The media that carry the version's text template: SMS (sendMessage), WhatsApp, Facebook and
 * X (Twitter). Each has its flag, its channel type, and its columns in omsJobQueueItems.
 */
enum TextMedium {
    MESSAGE("message", "SMS"),
    WHATSAPP("whatsapp", "WHATSAPP"),
    FACEBOOK("facebook", "FACEBOOK"),
    TWITTER("twitter", "TWITTER");

    /** Prefix of the ledger columns, and suffix of the idempotency key. */
    final String column;

    /** The channel type that carries it. */
    final String channelType;

    TextMedium(String column, String channelType) {
        this.column = column;
        this.channelType = channelType;
    }

    String flag(GenerationRequest request) {
        return switch (this) {
            case MESSAGE -> request.sendMessage();
            case WHATSAPP -> request.sendWhatsapp();
            case FACEBOOK -> request.sendFacebook();
            case TWITTER -> request.sendTwitter();
        };
    }

    /** Phone media address a phone number; social media an account id. */
    boolean usesPhone() {
        return this == MESSAGE || this == WHATSAPP;
    }
}
