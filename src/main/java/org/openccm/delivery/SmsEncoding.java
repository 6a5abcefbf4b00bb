package org.openccm.delivery;

/**
 * How an SMS text travels: in the GSM 03.38 7-bit alphabet when every character is in it
 * (160 characters in one message, 153 per part when split, extension characters such as the euro
 * sign counting twice), otherwise in UCS-2 (70 characters, 67 per part, counted in UTF-16 units).
 */
public record SmsEncoding(boolean gsm7, int units, int segments) {
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "^{}\\[~]|€\f";

    public static SmsEncoding of(String text) {
        int septets = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) >= 0) {
                septets++;
            } else if (EXTENSION.indexOf(c) >= 0) {
                septets += 2;
            } else {
                int units = text.length();
                return new SmsEncoding(false, units, units <= 70 ? 1 : (units + 66) / 67);
            }
        }
        return new SmsEncoding(true, septets, septets <= 160 ? 1 : (septets + 152) / 153);
    }

    public String name() {
        return gsm7 ? "GSM-7" : "UCS-2";
    }
}
