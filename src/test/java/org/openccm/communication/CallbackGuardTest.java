package org.openccm.communication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The production defaults of the callback guard: https only, no internal addresses at all. */
class CallbackGuardTest {
    private final CallbackGuard strict =
            new CallbackGuard(new CallbackProperties(List.of(), false, false, Duration.ofSeconds(5)));

    @Test
    void loopbackAndPlainHttpAreRefusedByDefault() {
        assertThat(strict.problem("https://127.0.0.1/hook")).contains("internal");
        assertThat(strict.problem("https://localhost/hook")).contains("internal");
        assertThat(strict.problem("https://[::1]/hook")).contains("internal");
        assertThat(strict.problem("http://93.184.216.34/hook")).contains("https");
        assertThat(strict.problem("https://[::ffff:169.254.169.254]/")).contains("internal");
        assertThat(strict.problem("https://[::127.0.0.1]/")).contains("internal");
        assertThat(strict.problem("https://[64:ff9b::a9fe:a9fe]/")).contains("internal");
        assertThat(strict.problem("https://[2002:7f00:1::]/")).contains("internal");
        assertThat(strict.problem("https://198.18.0.1/")).contains("internal");
        assertThat(strict.problem("https://192.0.0.1/")).contains("internal");
    }

    @Test
    void ambiguousAddressSpellingsAreRefused() {
        for (String url : List.of("https://0177.0.0.1/", "https://2130706433/", "https://0x7f.1/", "https://127.1/")) {
            assertThat(strict.problem(url)).as(url).isNotNull();
        }
    }

    @Test
    void theAllowListLimitsHosts() {
        CallbackGuard listed = new CallbackGuard(
                new CallbackProperties(List.of("hooks.example.com"), false, false, Duration.ofSeconds(5)));

        assertThat(listed.problem("https://other.example.com/x")).contains("allow-list");
        assertThat(listed.problem("https://93.184.216.34/x")).contains("allow-list");
    }

    @Test
    void aPublicAddressOverHttpsIsAccepted() {
        assertThat(strict.problem("https://93.184.216.34/hook")).isNull();
    }
}
