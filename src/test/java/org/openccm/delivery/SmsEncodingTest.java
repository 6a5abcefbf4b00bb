package org.openccm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmsEncodingTest {

    @Test
    void plainTextTravelsInGsm7WithItsSegmentLimits() {
        assertThat(SmsEncoding.of("Your policy renewal is due on 1 March.").gsm7())
                .isTrue();
        assertThat(SmsEncoding.of("a".repeat(160)).segments()).isEqualTo(1);
        assertThat(SmsEncoding.of("a".repeat(161)).segments()).isEqualTo(2);
        assertThat(SmsEncoding.of("a".repeat(306)).segments()).isEqualTo(2);
        assertThat(SmsEncoding.of("a".repeat(307)).segments()).isEqualTo(3);
    }

    @Test
    void extensionCharactersCountTwice() {
        SmsEncoding euro = SmsEncoding.of("€".repeat(80));

        assertThat(euro.gsm7()).isTrue();
        assertThat(euro.units()).isEqualTo(160);
        assertThat(SmsEncoding.of("€".repeat(81)).segments()).isEqualTo(2);
    }

    @Test
    void otherScriptsTravelInUcs2() {
        SmsEncoding hindi = SmsEncoding.of("आपका खाता सक्रिय है");

        assertThat(hindi.gsm7()).isFalse();
        assertThat(hindi.name()).isEqualTo("UCS-2");
        assertThat(SmsEncoding.of("ë".repeat(70)).segments()).isEqualTo(1);
        assertThat(SmsEncoding.of("ë".repeat(71)).segments()).isEqualTo(2);
        assertThat(SmsEncoding.of("ë".repeat(134)).segments()).isEqualTo(2);
        assertThat(SmsEncoding.of("ë".repeat(135)).segments()).isEqualTo(3);
    }
}
