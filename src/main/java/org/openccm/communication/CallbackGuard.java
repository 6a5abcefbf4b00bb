package org.openccm.communication;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Decides whether the server may call a client-supplied URL (SSRF protection, contract A25 and
 * section 8): http(s) only, no user info, a host on the allow-list when one is set, and every
 * address the host resolves to public (not loopback unless allowed, never private, link-local,
 * site-local, multicast, wildcard or the cloud metadata address). The check runs when the URL is
 * accepted and again right before the call, so that a name re-pointed in between is caught.
 */
@Component
class CallbackGuard {
    private final CallbackProperties properties;

    CallbackGuard(CallbackProperties properties) {
        this.properties = properties;
    }

    /** @return the reason the URL is refused, or null when it may be called */
    String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && properties.allowHttp())) {
            return properties.allowHttp() ? "must use http or https" : "must use https";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry user information";
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return "has no host";
        }
        List<String> allowedHosts = properties.allowedHosts().stream()
                .filter(allowed -> !allowed.isBlank())
                .toList();
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(allowed -> allowed.equalsIgnoreCase(host))) {
            return "names a host that is not on the callback allow-list";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "names a host that does not resolve";
        }
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress() && properties.allowLoopback()) {
                continue;
            }
            if (address.isLoopbackAddress()
                    || address.isAnyLocalAddress()
                    || address.isLinkLocalAddress()
                    || address.isSiteLocalAddress()
                    || address.isMulticastAddress()
                    || isUniqueLocal(address)
                    || isSharedOrReserved(address)) {
                return "resolves to an internal address";
            }
        }
        return null;
    }

    /** IPv6 unique local addresses (fc00::/7). */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /** Carrier-grade NAT (100.64/10), 0/8 and the reserved 240/4 block. */
    private static boolean isSharedOrReserved(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 4) {
            return false;
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 0 || first >= 240 || (first == 100 && second >= 64 && second <= 127);
    }
}
