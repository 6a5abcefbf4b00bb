package org.openccm.communication;

import java.time.Duration;
import java.util.List;

/**
 * The callback guard with the production defaults (https only, no loopback, no allow-list), for
 * tests outside this package: the test server allows loopback and http so that it can call its
 * own WireMock, which hides exactly the refusals these defaults make.
 */
public final class StrictCallbackGuard {
    private static final CallbackGuard GUARD =
            new CallbackGuard(new CallbackProperties(List.of(), false, false, Duration.ofSeconds(5)));

    private StrictCallbackGuard() {}

    /** @return why the production guard refuses the URL, or null when it would call it */
    public static String problem(String url) {
        return GUARD.problem(url);
    }
}
