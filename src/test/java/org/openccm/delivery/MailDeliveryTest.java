package org.openccm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

/** sendMail S against a real SMTP server (GreenMail) and against the embedded outbox. */
class MailDeliveryTest extends ApiTestBase {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @Autowired
    JdbcClient jdbc;

    private static ObjectNode sample(String name) throws IOException {
        return (ObjectNode) JSON.readTree(
                new ClassPathResource("guide-samples/" + name).getContentAsString(StandardCharsets.UTF_8));
    }

    /** A mail channel pointing at the GreenMail server, with authentication. */
    private String smtpChannel(String supervisor) {
        smtp.setUser("mailer", "Smtp-Secret-7");
        String name = "SMTP" + NAMES.incrementAndGet();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("transport", "SMTP");
        settings.put("host", "127.0.0.1");
        settings.put("port", Integer.toString(smtp.getSmtp().getPort()));
        settings.put("security", "NONE");
        settings.put("username", "mailer");
        settings.put("password", "Smtp-Secret-7");
        settings.put("from", "Nordlicht Versicherung <service@nordlicht.example>");
        Answer created = post(
                "/admin/channels", auth(supervisor), json(Map.of("name", name, "type", "MAIL", "settings", settings)));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain("Smtp-Secret-7").contains("****");
        String stored = jdbc.sql("select settings from channel where name = ?")
                .param(name)
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("Smtp-Secret-7").contains("enc:v1:");
        return name;
    }

    private String mailProduct(String supervisor) {
        String name = "MAILED_" + NAMES.incrementAndGet();
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", name);
        product.put("reportType", "LETTER");
        product.put("dataKind", "XML");
        product.put("recipientPath", "Letter.email");
        product.put("mailSubject", "Ihre Police – Änderung für Zoë");
        post("/admin/products", auth(supervisor), json(product));
        post(
                "/admin/products/" + name + "/versions",
                auth(supervisor),
                json(Map.of(
                        "template",
                        "<html><body><h1>Letter for ${data.Letter.name}</h1></body></html>",
                        "mailTemplate",
                        "<html><body><p>Dear ${data.Letter.name}, your letter is attached.</p></body></html>")));
        post("/admin/products/" + name + "/versions/1/baseline", auth(supervisor), null);
        return name;
    }

    /** The one mail of a request, found by its Message-ID among all that reached the server. */
    private static MimeMessage received(String requestId) throws Exception {
        MimeMessage found = null;
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getMessageID().equals("<" + requestId + ".mail@openccm>")) {
                assertThat(found).as("a second mail for request " + requestId).isNull();
                found = message;
            }
        }
        assertThat(found).as("the mail of request " + requestId).isNotNull();
        return found;
    }

    private static long receivedCount(String requestId) {
        return java.util.Arrays.stream(smtp.getReceivedMessages())
                .filter(message -> {
                    try {
                        return message.getMessageID().equals("<" + requestId + ".mail@openccm>");
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .count();
    }

    private Answer generate(String session, String product, String channel, String fileName, String email) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMail", "S");
        body.put("channelName", channel);
        body.put("fileName", fileName);
        body.put("filePath", "mailed");
        body.put("xmlData", "<Letter><name>Zoë Müller</name><email>" + email + "</email></Letter>");
        return post("/OMSCommunicationService/processUsingXML", auth(session), json(body));
    }

    @Test
    void mailReachesTheSmtpServerWithBodyAndAttachment() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String channel = smtpChannel(supervisor);
        String product = mailProduct(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer answer = generate(operator, product, channel, "Übersicht", "\"Zoë Müller\" &lt;zoe@example.com&gt;");

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Success");
        MimeMessage mail = received(answer.text("requestId"));
        assertThat(mail.getSubject()).isEqualTo("Ihre Police – Änderung für Zoë");
        InternetAddress to = (InternetAddress) mail.getAllRecipients()[0];
        assertThat(to.getAddress()).isEqualTo("zoe@example.com");
        assertThat(to.getPersonal()).isEqualTo("Zoë Müller");
        Multipart parts = (Multipart) mail.getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("Dear Zoë Müller, your letter is attached.");
        Part attachment = parts.getBodyPart(1);
        assertThat(MimeUtility.decodeText(attachment.getFileName()))
                .isEqualTo("Übersicht_" + answer.text("requestId") + ".pdf");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        attachment.getDataHandler().writeTo(bytes);
        assertThat(bytes.toByteArray()).isEqualTo(Files.readAllBytes(outputFile(answer.text("filePathName"))));
    }

    @Test
    void recipientHeaderInjectionIsRefusedAndRecordedAsFailed() {
        String supervisor = connect("oms", "11sp1");
        String channel = smtpChannel(supervisor);
        String product = mailProduct(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer answer = generate(operator, product, channel, "inj", "a@example.com&#13;&#10;Bcc: victim@example.com");

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Failed");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        Map<String, Object> row = jdbc.sql(
                        "select mail_status, mail_failure from omsJobQueueItems where request_id = ?")
                .param(Long.parseLong(answer.text("requestId")))
                .query()
                .singleRow();
        assertThat(row.get("mail_status")).isEqualTo("FAILED");
        assertThat(row.get("mail_failure").toString()).contains("recipient");
    }

    @Test
    void unreachableMailServerFailsTheMailButKeepsTheDocument() {
        String supervisor = connect("oms", "11sp1");
        String name = "DOWN" + NAMES.incrementAndGet();
        post(
                "/admin/channels",
                auth(supervisor),
                json(Map.of(
                        "name",
                        name,
                        "type",
                        "MAIL",
                        "settings",
                        Map.of("transport", "SMTP", "host", "127.0.0.1", "port", "1", "security", "NONE"))));
        String product = mailProduct(supervisor);

        Answer answer = generate(sessionOfNewUser(Role.OPERATOR), product, name, "down", "zoe@example.com");

        assertThat(answer.body().get("status").asInt()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Failed");
        assertThat(outputFile(answer.text("filePathName"))).exists();
    }

    @Test
    void guideJavaClientSampleMailsIntoTheOutboxAndArchives() throws Exception {
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer answer = post(
                "/OMSCommunicationService/processUsingXML",
                auth(operator),
                json(sample("process-xml-java-client.json")));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Success");
        assertThat(answer.text("archivalDescription")).isEqualTo("Success");
        assertThat(answer.body().get("archivalDetails").get("documentIndex").asLong())
                .isPositive();
        Path eml;
        try (Stream<Path> files = Files.walk(DATA_DIR.resolve("outbox"))) {
            eml = files.filter(path -> path.getFileName().toString().equals(answer.text("requestId") + ".mail.eml"))
                    .findFirst()
                    .orElseThrow();
        }
        String text = Files.readString(eml, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("To: email.sender@newgensoft.com").contains("application/pdf");
    }

    @Test
    void channelOfTheWrongTypeIsRefused() throws IOException {
        String operator = sessionOfNewUser(Role.OPERATOR);
        ObjectNode body = sample("process-xml-java-client.json");
        body.put("channelName", "CON11");

        Answer answer = post("/OMSCommunicationService/processUsingXML", auth(operator), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(1067);
    }

    @Test
    void aRecipientValueMustBeExactlyOneAddress() {
        String supervisor = connect("oms", "11sp1");
        String channel = smtpChannel(supervisor);
        String product = mailProduct(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);

        for (String recipients : java.util.List.of(
                "a@example.net, b@example.net",
                "list:x@example.net,y@example.net;",
                "no-at-sign",
                "ü@exämple.net",
                "r@example.net".repeat(30))) {
            Answer answer = generate(operator, product, channel, "many", recipients);

            assertThat(answer.body().get("status").asInt())
                    .as(recipients + ": " + answer.raw())
                    .isZero();
            assertThat(answer.body()
                            .get("synchronousDelivery")
                            .get("mailStatus")
                            .asString())
                    .as(recipients)
                    .isEqualTo("Failed");
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void channelSettingsAreCheckedReplacedAndDeleted() {
        String supervisor = connect("oms", "11sp1");
        String name = "CHK" + NAMES.incrementAndGet();
        Map<String, Object> lowerCase =
                Map.of("name", name, "type", "MAIL", "settings", Map.of("security", "starttls"));
        Map<String, Object> unknown = Map.of("name", name, "type", "MAIL", "settings", Map.of("Password", "x"));
        Map<String, Object> dots = Map.of("name", "..", "type", "MAIL", "settings", Map.of());
        Map<String, Object> badPort = Map.of("name", name, "type", "MAIL", "settings", Map.of("port", "abc"));

        assertThat(post("/admin/channels", auth(supervisor), json(lowerCase)).httpStatus())
                .isEqualTo(400);
        assertThat(post("/admin/channels", auth(supervisor), json(unknown)).httpStatus())
                .isEqualTo(400);
        assertThat(post("/admin/channels", auth(supervisor), json(dots)).httpStatus())
                .isEqualTo(400);
        assertThat(post("/admin/channels", auth(supervisor), json(badPort)).httpStatus())
                .isEqualTo(400);

        String channel = smtpChannel(supervisor);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("transport", "SMTP");
        settings.put("host", "127.0.0.1");
        settings.put("port", Integer.toString(smtp.getSmtp().getPort()));
        settings.put("security", "NONE");
        settings.put("username", "mailer");
        settings.put("password", "****");
        settings.put("from", "Changed <changed@nordlicht.example>");
        Answer wiped = put("/admin/channels/" + channel, auth(supervisor), "{}");
        assertThat(wiped.httpStatus()).as("settings without a transport").isEqualTo(400);
        Answer replaced = put("/admin/channels/" + channel, auth(supervisor), json(Map.of("settings", settings)));
        assertThat(replaced.httpStatus()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.raw()).contains("changed@nordlicht.example").doesNotContain("Smtp-Secret-7");
        Answer mailed =
                generate(sessionOfNewUser(Role.OPERATOR), mailProduct(supervisor), channel, "kept", "zoe@example.com");
        assertThat(mailed.body().get("synchronousDelivery").get("mailStatus").asString())
                .as("the kept password still authenticates")
                .isEqualTo("Success");
    }
}
