package org.openccm.delivery;

/** The outcome of one delivery attempt; the reason is safe to show and to log (no addresses, no content). */
public record DeliveryOutcome(boolean delivered, String reason) {
    public static DeliveryOutcome success() {
        return new DeliveryOutcome(true, "");
    }

    public static DeliveryOutcome failure(String reason) {
        return new DeliveryOutcome(false, reason);
    }
}
