package org.openccm.communication;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where bulk retry may report (callBackUrl). The server never calls private, link-local, loopback
 * or metadata addresses unless told to here.
 *
 * @param allowedHosts host names a callback may go to; empty allows any host on a public address
 * @param allowHttp accept http as well as https
 * @param allowLoopback accept loopback addresses (for local development and tests only)
 * @param timeout the callback's connect and request time limit
 */
@ConfigurationProperties("oms.callbacks")
record CallbackProperties(
        @DefaultValue("") List<String> allowedHosts,
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("false") boolean allowLoopback,
        @DefaultValue("10s") Duration timeout) {}
