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
        assertThat(strict.problem("http://203.0.113.10/hook")).contains("https");
        assertThat(strict.problem("https://[::ffff:169.254.169.254]/")).contains("internal");
    }

    @Test
    void theAllowListLimitsHosts() {
        CallbackGuard listed = new CallbackGuard(
                new CallbackProperties(List.of("hooks.example.com"), false, false, Duration.ofSeconds(5)));

        assertThat(listed.problem("https://other.example.com/x")).contains("allow-list");
        assertThat(listed.problem("https://203.0.113.10/x")).contains("allow-list");
    }

    @Test
    void aPublicAddressOverHttpsIsAccepted() {
        assertThat(strict.problem("https://203.0.113.10/hook")).isNull();
    }
}
