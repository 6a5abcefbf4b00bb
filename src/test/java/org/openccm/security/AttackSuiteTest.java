package org.openccm.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openccm.communication.StrictCallbackGuard;
import org.openccm.session.Directory;
import org.openccm.session.Role;
import org.openccm.shared.web.LimitsProperties;
import org.openccm.support.ApiTestBase;
import org.openccm.support.DeliveryFixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hostile requests of the security review, each sent over real HTTP to the server on a random
 * port. Every refusal must carry the contract's code with a readable description (no stack trace,
 * no server path) and leave nothing behind: no ledger row in omsJobQueueItems, no file outside the
 * cabinet's output folder, no callback, no mail; and the server must still answer afterwards.
 *
 * <ol>
 *   <li>XXE: general and parameter external entities, external DTDs
 *   <li>XInclude
 *   <li>entity expansion (billion laughs, quadratic blow-up)
 *   <li>deep nesting of xmlData, jsonData and the request body
 *   <li>oversized body and fields, at the configured limits
 *   <li>path traversal and absolute paths in filePath, fileName and attachmentsLocation
 *   <li>template injection through data values
 *   <li>SSRF through the bulk retry callBackUrl, including redirects and loopback names
 *   <li>SQL injection through masterKey and filterCondition
 *   <li>mail header injection through recipients and the subject
 *   <li>a session of one cabinet used for another
 * </ol>
 */
class AttackSuiteTest extends ApiTestBase {
    private static final String XML = "/OMSCommunicationService/processUsingXML";
    private static final String JSON_DATA = "/OMSCommunicationService/processUsingJSON";
    private static final String DB = "/OMSCommunicationService/processUsingDB";
    private static final String RETRY = "/OMSCommunicationService/retry";
    private static final String ASYNC_RETRY = "/OMSCommunicationService/asyncJobRetry";
    private static final String APPROVE = "/OMSJobAutoApproval/approveJob";
    private static final String FETCH_SERVICES = "/OMSServiceManager/fetchServiceDetails";
    private static final String START_SERVICE = "/OMSServiceManager/startService";
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** A domain no test mails to on purpose: anything arriving there was injected. */
    private static final String VICTIM = "victim@victim.example";

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    /** Plays every outside HTTP server an attack might make the server call: it must stay silent. */
    private static WireMockServer peer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LimitsProperties limits;

    @BeforeAll
    static void startPeer() {
        peer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        peer.start();
    }

    @AfterAll
    static void stopPeer() {
        peer.stop();
    }

    @BeforeEach
    void resetPeer() {
        peer.resetAll();
    }

    // --- 1. XXE -------------------------------------------------------------------------------

    @Test
    void externalEntitiesAndExternalDtdsAreRefusedBeforeAnythingIsFetched() {
        TestUser user = freshUser(Role.OPERATOR);
        String dtd = peerUrl("/evil.dtd");
        peer.stubFor(WireMock.get(urlEqualTo("/evil.dtd"))
                .willReturn(aResponse().withBody("<!ENTITY x SYSTEM \"file:///etc/passwd\">")));

        for (String attack : List.of(
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<SampleData><Field1>&x;</Field1></SampleData>",
                "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
                        + "<SampleData><Field1>a</Field1></SampleData>",
                "<!DOCTYPE SampleData SYSTEM \"" + dtd + "\"><SampleData><Field1>&x;</Field1></SampleData>",
                "<!DOCTYPE r [<!ENTITY % p SYSTEM \"" + dtd + "\"> %p;]><SampleData><Field1>&x;</Field1></SampleData>",
                "<SampleData><Field1>&x;</Field1></SampleData>")) {
            Answer answer = generateXml(user, attack);

            assertRefused(answer, 541, "xmlData");
            assertThat(answer.raw()).doesNotContain("root:");
        }

        assertThat(ledgerRows(user)).isZero();
        assertThat(peer.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertServerStillAnswers(user);
    }

    // --- 2. XInclude ----------------------------------------------------------------------------

    @Test
    void xincludeIsKeptAsPlainDataAndNeverFetched() {
        TestUser user = freshUser(Role.OPERATOR);

        Answer answer = generateXml(
                user,
                "<SampleData xmlns:xi=\"http://www.w3.org/2001/XInclude\"><Field1>XInclude probe</Field1>"
                        + "<Extra><xi:include href=\"file:///etc/passwd\" parse=\"text\"/>"
                        + "<xi:include href=\"" + peerUrl("/xinclude") + "\" parse=\"text\"/></Extra></SampleData>");

        assertThat(code(answer)).as(answer.raw()).isZero();
        String text = extract(answer.text("filePathName")).text();
        assertThat(text).contains("XInclude probe").doesNotContain("root:");
        assertThat(peer.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(ledgerRows(user)).isEqualTo(1);
    }

    // --- 3. entity expansion ----------------------------------------------------------------------

    @Test
    void entityExpansionBombsAreRefusedQuickly() {
        TestUser user = freshUser(Role.OPERATOR);
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int level = 1; level <= 10; level++) {
            laughs.append("<!ENTITY lol").append(level).append(" \"");
            laughs.append(("&lol" + (level - 1) + ";").repeat(10));
            laughs.append("\">");
        }
        laughs.append("]><SampleData><Field1>&lol10;</Field1></SampleData>");
        String quadratic = "<!DOCTYPE q [<!ENTITY a \"" + "a".repeat(50_000) + "\">]><SampleData><Field1>"
                + "&a;".repeat(50_000) + "</Field1></SampleData>";
        long started = System.nanoTime();

        Answer billion = generateXml(user, laughs.toString());
        Answer blowUp = generateXml(user, quadratic);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertRefused(billion, 541, "xmlData");
        assertRefused(blowUp, 541, "xmlData");
        assertThat(ledgerRows(user)).isZero();
        assertServerStillAnswers(user);
    }

    // --- 4. deep nesting --------------------------------------------------------------------------

    @Test
    void nestingDeeperThanTheLimitsIsRefusedWhereverItHides() {
        TestUser user = freshUser(Role.OPERATOR);
        int xmlDepth = limits.maxXmlDepth();
        int jsonDepth = limits.maxJsonDepth();
        String tooDeepXml = "<SampleData>" + "<a>".repeat(xmlDepth) + "x" + "</a>".repeat(xmlDepth) + "</SampleData>";
        String deepestXml =
                "<SampleData>" + "<a>".repeat(xmlDepth - 1) + "x" + "</a>".repeat(xmlDepth - 1) + "</SampleData>";
        String tooDeepJson = "{\"SampleData\":" + "{\"a\":".repeat(jsonDepth) + "1" + "}".repeat(jsonDepth) + "}";
        ObjectNode deepJsonData = generationOnly(guideSample("process-json.json"));
        deepJsonData.put("jsonData", tooDeepJson);
        String deepObjectBody = "{\"productName\":\"MAIL\",\"x\":" + "{\"a\":".repeat(jsonDepth + 1) + "1"
                + "}".repeat(jsonDepth + 1) + "}";
        String deepArrayBody = "[".repeat(50_000) + "]".repeat(50_000);

        assertRefused(generateXml(user, tooDeepXml), 541, "xmlData", "nested deeper than " + xmlDepth);
        assertRefused(post(JSON_DATA, auth(user.sessionId()), json(deepJsonData)), 541, "jsonData");
        assertRefused(post(XML, auth(user.sessionId()), deepObjectBody), 541, "nested too deeply");
        assertRefused(post(JSON_DATA, auth(user.sessionId()), deepArrayBody), 541, "nested too deeply");
        assertThat(ledgerRows(user)).isZero();

        assertThat(code(generateXml(user, deepestXml)))
                .as("nesting at the limit")
                .isZero();
    }

    // --- 5. oversized input -----------------------------------------------------------------------

    @Test
    void oversizedBodiesAndFieldsAreRefusedAtTheConfiguredLimits() {
        TestUser user = freshUser(Role.OPERATOR);
        long maxBody = limits.maxRequestBytes();
        ObjectNode hugeBody = generationOnly(guideSample("process-xml.json"));
        hugeBody.put("xmlData", "<SampleData><Field1>" + "x".repeat((int) maxBody) + "</Field1></SampleData>");
        ObjectNode longMasterKey = generationOnly(guideSample("process-db.json"));
        longMasterKey.put("masterKey", "1".repeat(51));
        String manyElements = "<SampleData>" + "<e/>".repeat(limits.maxXmlElements()) + "</SampleData>";

        assertRefused(post(XML, auth(user.sessionId()), json(hugeBody)), 541, "exceeds the limit of " + maxBody);
        assertRefused(generateWith(user, "productName", "P".repeat(251)), 541, "productName", "250");
        assertRefused(generateWith(user, "fileName", "f".repeat(201)), 541, "fileName", "200");
        assertRefused(generateWith(user, "filePath", "p".repeat(501)), 541, "filePath", "500");
        assertRefused(generateWith(user, "attachmentsLocation", "a".repeat(101)), 541, "attachmentsLocation");
        assertRefused(generateWith(user, "channelName", "c\u0000".repeat(3)), 541, "channelName");
        assertRefused(post(DB, auth(user.sessionId()), json(longMasterKey)), 541, "masterKey", "50");
        assertRefused(
                generateXml(
                        user,
                        "<SampleData><Field1>" + "y".repeat(limits.maxValueChars() + 1) + "</Field1></SampleData>"),
                541,
                "xmlData",
                "longer than");
        assertRefused(generateXml(user, manyElements), 541, "xmlData", "more than " + limits.maxXmlElements());

        assertThat(ledgerRows(user)).isZero();
        assertServerStillAnswers(user);
    }

    // --- 6. path traversal ------------------------------------------------------------------------

    @Test
    void storagePathsNeverLeaveTheCabinetOutputFolder() throws IOException {
        TestUser user = freshUser(Role.OPERATOR);
        String refused = "escape-" + UUID.randomUUID();
        String literal = "literal-" + UUID.randomUUID();
        List<String[]> attacks = List.of(
                new String[] {"filePath", "../" + refused},
                new String[] {"filePath", "../../../../" + refused},
                new String[] {"filePath", "a/../../" + refused},
                new String[] {"filePath", "./" + refused},
                new String[] {"filePath", "..\\..\\" + refused},
                new String[] {"filePath", "/etc/" + refused},
                new String[] {"filePath", "/" + refused},
                new String[] {"filePath", "C:\\" + refused},
                new String[] {"filePath", "C:/" + refused},
                new String[] {"filePath", "\\\\server\\share\\" + refused},
                new String[] {"filePath", "ok/\u0000/" + refused},
                new String[] {"filePath", "ok\r\n" + refused},
                new String[] {"filePath", "ok/\u202E" + refused},
                new String[] {"fileName", "../" + refused},
                new String[] {"fileName", "..\\" + refused},
                new String[] {"fileName", ".."},
                new String[] {"fileName", "dir/" + refused},
                new String[] {"fileName", "C:" + refused},
                new String[] {"fileName", refused + "\u0000.pdf"},
                new String[] {"fileName", refused + "\n"},
                new String[] {"attachmentsLocation", "../../../etc/passwd"},
                new String[] {"attachmentsLocation", "/etc/passwd"},
                new String[] {"attachmentsLocation", "..\\..\\" + refused},
                new String[] {"attachmentsLocation", "C:\\Windows\\win.ini"},
                new String[] {"attachmentsLocation", "a/../../" + refused});

        for (String[] attack : attacks) {
            assertRefused(generateWith(user, attack[0], attack[1]), 541, attack[0]);
        }
        assertThat(ledgerRows(user)).isZero();

        // Encoded and look-alike dots are names like any other: they stay where they are written.
        List<String[]> harmless = List.of(
                new String[] {"%2e%2e/" + literal, "a"},
                new String[] {"%2e%2e%2f" + literal, "b"},
                new String[] {"\uFF0E\uFF0E/" + literal, "c"},
                new String[] {literal, "%2e%2e%2f" + "d"},
                new String[] {literal, "\uFF0E\uFF0E"});
        Path outputRoot = outputFile("").normalize();
        for (String[] attempt : harmless) {
            ObjectNode body = generationOnly(guideSample("process-xml.json"));
            body.put("filePath", attempt[0]);
            body.put("fileName", attempt[1]);

            Answer answer = post(XML, auth(user.sessionId()), json(body));

            assertThat(code(answer))
                    .as(attempt[0] + " " + attempt[1] + ": " + answer.raw())
                    .isZero();
            assertThat(answer.text("filePathName")).startsWith(attempt[0] + "/" + attempt[1] + "_");
            Path written = outputFile(answer.text("filePathName"));
            assertThat(written).exists();
            assertThat(written.toRealPath()).startsWith(outputRoot.toRealPath());
        }

        assertThat(filesNamedLike(refused)).isEmpty();
        assertThat(filesNamedLike(literal))
                .allSatisfy(
                        path -> assertThat(path.toAbsolutePath().normalize()).startsWith(outputRoot));
        assertThat(Path.of("/etc", refused)).doesNotExist();
        assertThat(ledgerRows(user)).isEqualTo(harmless.size());
    }

    // --- 7. template injection --------------------------------------------------------------------

    @Test
    void templateSyntaxInDataIsPrintedNeverEvaluated() {
        TestUser user = freshUser(Role.OPERATOR);
        String arithmetic = "${7*7}";
        String execute = "<#assign x=\"freemarker.template.utility.Execute\"?new()>${x(\"id\")}";
        String api = "${request?api.getClass().getProtectionDomain()}";
        String squareBrackets = "[#assign y=6*7][=y]";

        Answer xml = generateXml(
                user,
                "<SampleData><Field1><![CDATA[" + arithmetic + "]]></Field1><Field2><![CDATA[" + api
                        + "]]></Field2><Field6><![CDATA[" + execute + "]]></Field6><Field7><![CDATA["
                        + squareBrackets + "]]></Field7></SampleData>");
        ObjectNode jsonBody = generationOnly(guideSample("process-json.json"));
        jsonBody.put(
                "jsonData", json(Map.of("SampleData", Map.of("Field1", arithmetic, "Field2", api, "Field6", execute))));
        Answer json = post(JSON_DATA, auth(user.sessionId()), json(jsonBody));

        assertThat(code(xml)).as(xml.raw()).isZero();
        assertThat(code(json)).as(json.raw()).isZero();
        String xmlText = squeezed(extract(xml.text("filePathName")).text());
        String jsonText = squeezed(extract(json.text("filePathName")).text());
        assertThat(xmlText)
                .contains(squeezed(arithmetic), squeezed(execute), squeezed(api), squeezed(squareBrackets))
                .doesNotContain("uid=")
                .doesNotContain("CodeSource");
        assertThat(jsonText)
                .contains(squeezed(arithmetic), squeezed(execute), squeezed(api))
                .doesNotContain("uid=");
    }

    // --- 8. SSRF ----------------------------------------------------------------------------------

    @Test
    void callbacksToInternalAddressesAreRefusedAndNothingIsRetried() {
        FailedMail failed = failedMailThatCouldNowBeDelivered();

        for (String url : List.of(
                "http://10.0.0.7/hook",
                "https://10.255.255.254/hook",
                "http://192.168.1.1/",
                "http://172.16.0.1/",
                "http://172.31.255.254/",
                "http://169.254.169.254/latest/meta-data/",
                "http://[::ffff:169.254.169.254]/latest/meta-data/",
                "http://[::ffff:10.0.0.1]/",
                "http://[fe80::1]/",
                "http://[fd00::1]/",
                "http://0.0.0.0:" + peer.port() + "/hook",
                "http://2130706433:" + peer.port() + "/hook",
                "http://0x7f.0.0.1:" + peer.port() + "/hook",
                "http://user:pw@127.0.0.1:" + peer.port() + "/hook",
                "ftp://127.0.0.1:" + peer.port() + "/hook",
                "file:///etc/passwd",
                "http://127.0.0.1:" + peer.port() + "/" + "x".repeat(2048))) {
            assertRefused(bulkRetry(failed.user(), failed.product(), url), 541, "callBackUrl");
        }

        assertThat(peer.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(mailStatus(failed.requestId())).isEqualTo("FAILED");
        assertThat(ledgerRows(failed.user())).isEqualTo(1);
    }

    @Test
    void theProductionGuardRefusesLoopbackAndNamesThatResolveToIt() {
        for (String url : List.of(
                "https://127.0.0.1/hook",
                "https://127.8.9.10/hook",
                "https://[::1]/hook",
                "https://[::ffff:127.0.0.1]/hook",
                "https://0.0.0.0/hook",
                "https://localhost/hook",
                "https://LOCALHOST:8443/hook",
                "https://10.1.2.3/hook",
                "https://192.168.0.10/hook",
                "https://172.16.5.4/hook",
                "https://169.254.169.254/latest/meta-data/")) {
            assertThat(StrictCallbackGuard.problem(url)).as(url).isEqualTo("resolves to an internal address");
        }
        assertThat(StrictCallbackGuard.problem("http://localhost/hook")).isEqualTo("must use https");
        assertThat(StrictCallbackGuard.problem("https://127.1/hook")).isNotNull();
        assertThat(StrictCallbackGuard.problem("https://0177.0.0.1/hook")).contains("IP address");
    }

    @Test
    void callbackRedirectsAreNeverFollowed() {
        FailedMail failed = failedMailThatCouldNowBeDelivered();
        peer.stubFor(WireMock.post(urlEqualTo("/hook"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", peerUrl("/redirected"))));
        peer.stubFor(any(urlEqualTo("/redirected")).willReturn(aResponse().withStatus(200)));

        Answer answer = bulkRetry(failed.user(), failed.product(), peerUrl("/hook"));

        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> peer.findAll(anyRequestedFor(urlEqualTo("/hook"))).size() == 1);
        assertThat(smtp.getReceivedMessages()).as("the retry itself ran").hasSize(1);
        sleep(Duration.ofSeconds(1));
        assertThat(peer.findAll(anyRequestedFor(urlEqualTo("/redirected")))).isEmpty();
        assertThat(peer.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    // --- 9. SQL injection -------------------------------------------------------------------------

    @Test
    void masterKeyIsOnlyEverAKey() {
        TestUser user = freshUser(Role.OPERATOR);
        long customers = sampleCustomers();

        for (String masterKey : List.of(
                "1' OR '1'='1",
                "1' OR 1=1 --",
                "1; drop table sample_customer",
                "1'; drop table sample_customer; --",
                "1 union select * from sample_customer",
                "' UNION SELECT user_name FROM oms_user --",
                "1) or (1=1",
                "%",
                "\\'; shutdown; --")) {
            ObjectNode body = generationOnly(guideSample("process-db.json"));
            body.put("masterKey", masterKey);

            Answer answer = post(DB, auth(user.sessionId()), json(body));

            assertRefused(answer, 1029, "No record found for the given masterKey");
        }

        assertThat(ledgerRows(user)).isZero();
        assertThat(sampleCustomers()).isEqualTo(customers).isPositive();
        ObjectNode genuine = generationOnly(guideSample("process-db.json"));
        Answer answer = post(DB, auth(user.sessionId()), json(genuine));
        assertThat(code(answer)).as(answer.raw()).isZero();
        assertThat(extract(answer.text("filePathName")).text()).contains("Jensen");
    }

    @Test
    void filterConditionCarriesNoSql() {
        TestUser user = freshUser(Role.OPERATOR);
        long customers = sampleCustomers();

        for (String filter : List.of(
                "1=1",
                "Record.city = 'x' OR '1'='1'",
                "Record.city = 'x'; drop table sample_customer",
                "Record.city = 'x' UNION SELECT user_name FROM oms_user",
                "Record.city = (select password_hash from oms_user)",
                "Record.city = 'x' -- ' AND Record.city = 'y'")) {
            ObjectNode body = guideSample("approve-job.json");
            body.put("communicationId", "");
            body.put("filterCondition", filter);

            assertRefused(post(APPROVE, auth(user.sessionId()), json(body)), 541);
        }

        assertThat(jdbc.sql("select count(*) from batch_spool where maker_user_id = ? or checker_user_id = ?")
                        .params(user.id(), user.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(sampleCustomers()).isEqualTo(customers).isPositive();
        assertServerStillAnswers(user);
    }

    // --- 10. mail header injection ----------------------------------------------------------------

    @Test
    void lineBreaksInRecipientsNeverAddHeadersOrRecipients() throws Exception {
        String supervisor = connect("oms", "11sp1");
        String channel =
                DeliveryFixtures.smtpChannel(this, supervisor, smtp.getSmtp().getPort());
        String product = DeliveryFixtures.mailedLetter(this, supervisor, "Your letter");
        TestUser user = freshUser(Role.OPERATOR);

        for (String recipient : List.of(
                "ada@example.com&#13;&#10;Bcc: " + VICTIM,
                "ada@example.com\nBcc: " + VICTIM,
                "ada@example.com&#10;&#10;Injected body",
                "ada@example.com&#13;&#10;Subject: changed&#13;&#10;To: " + VICTIM,
                "ada@example.com%0d%0aBcc:" + VICTIM,
                "\"Ada&#13;&#10;Bcc: " + VICTIM + "\" &lt;ada@example.com&gt;",
                "\"Ada&#10;\" &lt;ada@example.com&gt;")) {
            Answer answer = mailLetter(user, product, channel, "Ada", recipient);

            assertThat(code(answer)).as(recipient + ": " + answer.raw()).isZero();
            assertThat(answer.body()
                            .get("synchronousDelivery")
                            .get("mailStatus")
                            .asString())
                    .as(recipient)
                    .isEqualTo("Failed");
            assertThat(mailFailure(answer.text("requestId"))).contains("recipient");
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();

        // The subject is the product's fixed text; data reaches only the body, where it is escaped.
        Answer dataWithBreaks = mailLetter(user, product, channel, "Ada&#13;&#10;Bcc: " + VICTIM, "ada@example.com");

        assertThat(code(dataWithBreaks)).isZero();
        assertThat(dataWithBreaks
                        .body()
                        .get("synchronousDelivery")
                        .get("mailStatus")
                        .asString())
                .isEqualTo("Success");
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertOnlyRecipientIsAda(received[0]);
        assertThat(received[0].getSubject()).isEqualTo("Your letter");
    }

    @Test
    void aSubjectWithLineBreaksIsRefusedWhenTheProductIsConfigured() {
        String supervisor = connect("oms", "11sp1");
        String name = "SUBJECT_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", name);
        product.put("reportType", "LETTER");
        product.put("dataKind", "XML");
        product.put("recipientPath", "Letter.email");
        product.put("mailSubject", "Your letter\r\nBcc: " + VICTIM);

        Answer refused = post("/admin/products", auth(supervisor), json(product));

        assertThat(refused.httpStatus()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.text("description")).contains("mailSubject");
        assertThat(get("/admin/products", auth(supervisor)).raw()).doesNotContain(name);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    // --- 11. sessions across cabinets -------------------------------------------------------------

    @Test
    void aSessionOfOneCabinetOpensNothingInAnother() {
        TestUser owner = freshUser(Role.SUPERVISOR);
        Answer own = generateXml(owner, "<SampleData><Field1>Cabinet A secret</Field1></SampleData>");
        assertThat(code(own)).isZero();
        String requestOfA = own.text("requestId");
        Directory.Cabinet other = directory.createCabinet("atk" + Long.toString(System.nanoTime(), 36));
        directory.createUser(other.id(), "clerk", "Pw-clerk-1", Role.SUPERVISOR);
        String sessionOfB = connectTo(other.name(), "clerk", "Pw-clerk-1");
        Map<String, String> aInB = Map.of("cabinetName", other.name(), "sessionId", owner.sessionId());
        Map<String, String> aNowhere = Map.of("cabinetName", "noSuchCabinet", "sessionId", owner.sessionId());
        Map<String, String> bInB = Map.of("cabinetName", other.name(), "sessionId", sessionOfB);
        String generation = json(generationOnly(guideSample("process-xml.json")));
        String retry = json(Map.of("requestId", requestOfA, "channelName", ""));
        String approve = json(guideSample("approve-job.json"));
        String asyncRetry = json(guideSample("async-retry-batch.json"));
        String start = "{\"ServiceIds\":[{\"id\":\"167\"}],\"ServiceCount\":5}";
        long countBefore = batchWorkersOfA();

        assertRefused(post(XML, aInB, generation), -50146);
        assertRefused(post(RETRY, aInB, retry), -50146);
        assertRefused(post(APPROVE, aInB, approve), -50146);
        assertRefused(post(ASYNC_RETRY, aInB, asyncRetry), -50146, "Invalid session.");
        assertRefused(post(FETCH_SERVICES, aInB, "{\"ServiceType\":\"\"}"), -50146);
        assertRefused(post(START_SERVICE, aInB, start), -50146);
        assertRefused(post(XML, aNowhere, generation), -1011);
        assertRefused(post(RETRY, aNowhere, retry), -1011);
        assertRefused(post(APPROVE, aNowhere, approve), -50146);
        assertRefused(post(ASYNC_RETRY, aNowhere, asyncRetry), -1011, "Cabinet Not Found");
        assertRefused(post(FETCH_SERVICES, aNowhere, "{\"ServiceType\":\"\"}"), -1011);

        Answer foreignRetry = post(RETRY, bInB, retry);
        assertRefused(foreignRetry, 5006, "Data not Found for retry");
        Answer servicesOfB = post(FETCH_SERVICES, bInB, "{\"ServiceType\":\"\"}");
        assertThat(servicesOfB.body().get("MainCode").asInt())
                .as(servicesOfB.raw())
                .isZero();
        assertThat(servicesOfB.body().get("ServiceList")).isEmpty();
        assertRefused(post(START_SERVICE, bInB, start), 400, "167");

        assertThat(batchWorkersOfA()).isEqualTo(countBefore);
        assertThat(ledgerRows(owner)).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from omsJobQueueItems where cabinet_id = ?")
                        .param(other.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertServerStillAnswers(owner);
    }

    // --- helpers ----------------------------------------------------------------------------------

    /** A refusal: HTTP 200, the code, a description with the given parts and nothing internal. */
    private static void assertRefused(Answer answer, int expectedCode, String... descriptionParts) {
        assertThat(answer.httpStatus()).as(answer.raw()).isEqualTo(200);
        assertThat(code(answer)).as(answer.raw()).isEqualTo(expectedCode);
        String description = answer.body().has("MainCode") ? answer.text("Descr") : answer.text("description");
        assertThat(description).as(answer.raw()).isNotBlank();
        for (String part : descriptionParts) {
            assertThat(description).as(answer.raw()).contains(part);
        }
        assertThat(answer.raw())
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("at org.")
                .doesNotContain("at java.")
                .doesNotContain("root:x:")
                .doesNotContain(DATA_DIR.toString())
                .doesNotContain(System.getProperty("user.dir"));
    }

    /** status, or MainCode for the service manager, as a number whatever its JSON type. */
    private static int code(Answer answer) {
        JsonNode code = answer.body().has("MainCode")
                ? answer.body().get("MainCode")
                : answer.body().get("status");
        assertThat(code).as(answer.raw()).isNotNull();
        return Integer.parseInt(code.asString());
    }

    private void assertServerStillAnswers(TestUser user) {
        Answer answer = generateXml(user, "<SampleData><Field1>Still answering</Field1></SampleData>");
        assertThat(code(answer)).as(answer.raw()).isZero();
    }

    private Answer generateXml(TestUser user, String xmlData) {
        return generateWith(user, "xmlData", xmlData);
    }

    /** The guide's processUsingXML sample, document only, with one field replaced. */
    private Answer generateWith(TestUser user, String field, String value) {
        ObjectNode body = generationOnly(guideSample("process-xml.json"));
        body.put(field, value);
        return post(XML, auth(user.sessionId()), json(body));
    }

    private long ledgerRows(TestUser user) {
        return jdbc.sql("select count(*) from omsJobQueueItems where user_id = ?")
                .param(user.id())
                .query(Long.class)
                .single();
    }

    private long sampleCustomers() {
        return jdbc.sql("select count(*) from sample_customer")
                .query(Long.class)
                .single();
    }

    private long batchWorkersOfA() {
        return jdbc.sql("select desired_count from oms_service where cabinet_id = ? and id = 167")
                .param(directory.findCabinet(CABINET).orElseThrow().id())
                .query(Long.class)
                .single();
    }

    private String connectTo(String cabinet, String user, String password) {
        Answer answer = post(
                "/OMSSessionManagement/connectCabinet",
                Map.of("cabinetName", cabinet),
                json(Map.of("userName", user, "userPassword", password, "connectForcefully", "Y", "encrFlag", "N")));
        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        return answer.text("sessionId");
    }

    private static String peerUrl(String path) {
        return "http://127.0.0.1:" + peer.port() + path;
    }

    /** Text without white space, since PDF extraction breaks lines where the layout did. */
    private static String squeezed(String text) {
        return text.replaceAll("\\s+", "");
    }

    /** Every path under the data folder, and directly beside it, whose name contains the marker. */
    private static List<Path> filesNamedLike(String marker) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> inside = Files.walk(DATA_DIR);
                Stream<Path> beside = Files.list(DATA_DIR.getParent())) {
            Stream.concat(inside, beside)
                    .filter(path -> path.getFileName() != null
                            && path.getFileName().toString().contains(marker))
                    .forEach(found::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return found;
    }

    /** A mail request whose SMTP server was down; its channel now points at the running one. */
    private record FailedMail(TestUser user, String product, String requestId) {}

    private FailedMail failedMailThatCouldNowBeDelivered() {
        String supervisor = connect("oms", "11sp1");
        String channel = DeliveryFixtures.smtpChannel(this, supervisor, 1);
        String product = DeliveryFixtures.mailedLetter(this, supervisor, "Your letter");
        TestUser user = freshUser(Role.OPERATOR);
        Answer failed = mailLetter(user, product, channel, "Ada", "ada@example.com");
        assertThat(failed.body().get("synchronousDelivery").get("mailStatus").asString())
                .as(failed.raw())
                .isEqualTo("Failed");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("transport", "SMTP");
        settings.put("host", "127.0.0.1");
        settings.put("port", Integer.toString(smtp.getSmtp().getPort()));
        settings.put("security", "NONE");
        Answer repointed = put("/admin/channels/" + channel, auth(supervisor), json(Map.of("settings", settings)));
        assertThat(repointed.httpStatus()).as(repointed.raw()).isEqualTo(200);
        return new FailedMail(user, product, failed.text("requestId"));
    }

    private Answer bulkRetry(TestUser user, String product, String callBackUrl) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("requestId", "");
        body.put("channelName", "");
        body.put("productName", product);
        body.put("dateFrom", LocalDateTime.now().minusMinutes(10).format(DATE_TIME));
        body.put("dateTo", LocalDateTime.now().plusMinutes(10).format(DATE_TIME));
        body.put("callBackUrl", callBackUrl);
        return post(RETRY, auth(user.sessionId()), json(body));
    }

    /** A letter of a DeliveryFixtures product, mailed now; name and recipient go in as XML text. */
    private Answer mailLetter(TestUser user, String product, String channel, String name, String recipient) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMail", "S");
        body.put("channelName", channel);
        body.put("xmlData", "<Letter><name>" + name + "</name><email>" + recipient + "</email></Letter>");
        return post(XML, auth(user.sessionId()), json(body));
    }

    private String mailStatus(String requestId) {
        return jdbc.sql("select mail_status from omsJobQueueItems where request_id = ?")
                .param(Long.parseLong(requestId))
                .query(String.class)
                .single();
    }

    private String mailFailure(String requestId) {
        return jdbc.sql("select mail_failure from omsJobQueueItems where request_id = ?")
                .param(Long.parseLong(requestId))
                .query(String.class)
                .single();
    }

    private static void assertOnlyRecipientIsAda(MimeMessage mail) throws Exception {
        Address[] recipients = mail.getAllRecipients();
        assertThat(recipients).hasSize(1);
        assertThat(((InternetAddress) recipients[0]).getAddress()).isEqualTo("ada@example.com");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(mail.getHeader("Cc")).isNull();
        assertThat(smtp.getReceivedMessagesForDomain("victim.example")).isEmpty();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
