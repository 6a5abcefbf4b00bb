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
        if (isAmbiguousIpv4(host)) {
            return "spells an IP address in a form that resolvers read differently";
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
        for (InetAddress resolved : addresses) {
            InetAddress address = embeddedIpv4(resolved);
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

    /**
     * A host made only of digits, dots and hex prefixes must be a plain dotted quad without leading
     * zeros: "0177.0.0.1", "2130706433" and "0x7f.1" mean different hosts to different resolvers.
     */
    private static boolean isAmbiguousIpv4(String host) {
        if (host.matches("(?i)[0-9a-f.x]+") && host.matches("(?i).*0x.*")) {
            return true;
        }
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return true;
        }
        for (String part : parts) {
            if (part.isEmpty()
                    || part.length() > 3
                    || (part.length() > 1 && part.startsWith("0"))
                    || Integer.parseInt(part) > 255) {
                return true;
            }
        }
        return false;
    }

    /**
     * The IPv4 address inside IPv6 forms that carry one (IPv4-compatible ::a.b.c.d, NAT64
     * 64:ff9b::/96 and 6to4 2002::/16), so that they are judged by the address they reach.
     */
    private static InetAddress embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return address;
        }
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= bytes[i] == 0;
        }
        boolean nat64 = (bytes[0] & 0xff) == 0x00
                && (bytes[1] & 0xff) == 0x64
                && (bytes[2] & 0xff) == 0xff
                && (bytes[3] & 0xff) == 0x9b;
        boolean sixToFour = (bytes[0] & 0xff) == 0x20 && (bytes[1] & 0xff) == 0x02;
        try {
            if (compatible || nat64) {
                return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
            }
            if (sixToFour) {
                return InetAddress.getByAddress(new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]});
            }
        } catch (UnknownHostException e) {
            return address;
        }
        return address;
    }

    /** IPv6 unique local addresses (fc00::/7). */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /**
     * Carrier-grade NAT (100.64/10), 0/8, 240/4, benchmarking (198.18/15), IETF protocol
     * assignments (192.0.0/24) and the documentation blocks, none of which a callback has
     * business with.
     */
    private static boolean isSharedOrReserved(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 4) {
            return false;
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        int third = bytes[2] & 0xff;
        return first == 0
                || first >= 240
                || (first == 100 && second >= 64 && second <= 127)
                || (first == 198 && (second == 18 || second == 19))
                || (first == 192 && second == 0 && (third == 0 || third == 2))
                || (first == 198 && second == 51 && third == 100)
                || (first == 203 && second == 0 && third == 113);
    }
}
