package org.openccm.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Channels and products that the delivery tests create through the admin API. */
public final class DeliveryFixtures {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private DeliveryFixtures() {}

    /** Creates an SMTP mail channel without TLS or authentication on 127.0.0.1 and returns its name. */
    public static String smtpChannel(ApiTestBase test, String supervisor, int port) {
        String name = "FIXSMTP" + NAMES.incrementAndGet();
        test.post(
                "/admin/channels",
                test.auth(supervisor),
                ApiTestBase.json(Map.of(
                        "name",
                        name,
                        "type",
                        "MAIL",
                        "settings",
                        Map.of(
                                "transport",
                                "SMTP",
                                "host",
                                "127.0.0.1",
                                "port",
                                Integer.toString(port),
                                "security",
                                "NONE"))));
        return name;
    }

    /**
     * Creates an XML letter product that mails to {@code Letter.email}, with one baselined version,
     * and returns its name.
     */
    public static String mailedLetter(ApiTestBase test, String supervisor, String subject) {
        String name = "LETTER_" + NAMES.incrementAndGet();
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", name);
        product.put("reportType", "LETTER");
        product.put("dataKind", "XML");
        product.put("recipientPath", "Letter.email");
        product.put("mailSubject", subject);
        test.post("/admin/products", test.auth(supervisor), ApiTestBase.json(product));
        test.post(
                "/admin/products/" + name + "/versions",
                test.auth(supervisor),
                ApiTestBase.json(
                        Map.of("template", "<html><body><p>Letter for ${data.Letter.name}</p></body></html>")));
        test.post("/admin/products/" + name + "/versions/1/baseline", test.auth(supervisor), null);
        return name;
    }
}
