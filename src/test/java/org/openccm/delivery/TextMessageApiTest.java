package org.openccm.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SMS and WhatsApp through HTTP gateways played by a real HTTP server (WireMock) on 127.0.0.1. */
class TextMessageApiTest extends ApiTestBase {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static WireMockServer gateway;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startGateway() {
        gateway = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        gateway.start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.stop();
    }

    @BeforeEach
    void resetGateway() {
        gateway.resetAll();
    }

    private String channel(String supervisor, String type, Map<String, String> settings) {
        String name = "T" + NAMES.incrementAndGet();
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("url", "http://127.0.0.1:" + gateway.port() + all.getOrDefault("url", ""));
        Answer created =
                post("/admin/channels", auth(supervisor), json(Map.of("name", name, "type", type, "settings", all)));
        assertThat(created.httpStatus()).as(created.raw()).isEqualTo(201);
        return name;
    }

    private String product(String supervisor) {
        String name = "TEXTED_" + NAMES.incrementAndGet();
        post(
                "/admin/products",
                auth(supervisor),
                json(Map.of("name", name, "reportType", "LETTER", "dataKind", "XML", "phonePath", "Letter.phone")));
        post(
                "/admin/products/" + name + "/versions",
                auth(supervisor),
                json(Map.of(
                        "template", "<html><body><p>Letter for ${data.Letter.name}</p></body></html>",
                        "messageTemplate",
                                "Dear ${data.Letter.name}, your letter ${request.requestId} is ready. R&D <ok>")));
        post("/admin/products/" + name + "/versions/1/baseline", auth(supervisor), null);
        return name;
    }

    private Answer send(String session, String product, String channel, String flagField, String flag, String name) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put(flagField, flag);
        body.put("channelName", channel);
        body.put("xmlData", "<Letter><name>" + name + "</name><phone>+447700900123</phone></Letter>");
        return post("/OMSCommunicationService/processUsingXML", auth(session), json(body));
    }

    @Test
    void genericGatewayGetsTheTextWithTokenEncodingAndIdempotencyKey() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(202)));
        String channel =
                channel(supervisor, "SMS", Map.of("provider", "GENERIC", "url", "/sms", "token", "Gw-Token-9"));

        Answer answer = send(sessionOfNewUser(Role.OPERATOR), product(supervisor), channel, "sendMessage", "S", "राम");

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("messageStatus").asString())
                .isEqualTo("Success");
        String requestId = answer.text("requestId");
        gateway.verify(postRequestedFor(urlEqualTo("/sms"))
                .withHeader("Authorization", equalTo("Bearer Gw-Token-9"))
                .withHeader("Idempotency-Key", equalTo(requestId + ".message"))
                .withRequestBody(matchingJsonPath("$.to", equalTo("+447700900123")))
                .withRequestBody(matchingJsonPath("$.encoding", equalTo("UCS-2")))
                .withRequestBody(matchingJsonPath(
                        "$.text", equalTo("Dear राम, your letter " + requestId + " is ready. R&D <ok>"))));
    }

    @Test
    void twilioStyleAndWhatsappCloudStyleGateways() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/2010-04-01/Accounts/AC42/Messages.json"))
                .willReturn(aResponse().withStatus(201)));
        gateway.stubFor(WireMock.post(urlEqualTo("/v19.0/5550001/messages"))
                .willReturn(aResponse().withStatus(200)));
        String twilio = channel(
                supervisor,
                "SMS",
                Map.of("provider", "TWILIO", "accountSid", "AC42", "authToken", "Tw-Secret", "from", "+15005550006"));
        String whatsapp = channel(
                supervisor,
                "WHATSAPP",
                Map.of("provider", "WHATSAPP_CLOUD", "url", "/v19.0", "phoneNumberId", "5550001", "token", "Wa-Token"));
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer sms = send(operator, product, twilio, "sendMessage", "S", "Ada");
        Answer chat = send(operator, product, whatsapp, "sendWhatsapp", "S", "Ada");

        assertThat(sms.body().get("synchronousDelivery").get("messageStatus").asString())
                .isEqualTo("Success");
        assertThat(chat.body().get("synchronousDelivery").get("whatsappStatus").asString())
                .isEqualTo("Success");
        gateway.verify(postRequestedFor(urlEqualTo("/2010-04-01/Accounts/AC42/Messages.json"))
                .withHeader("Authorization", equalTo("Basic QUM0MjpUdy1TZWNyZXQ="))
                .withRequestBody(containing("To=%2B447700900123"))
                .withRequestBody(containing("From=%2B15005550006"))
                .withRequestBody(containing("Body=Dear+Ada")));
        gateway.verify(postRequestedFor(urlEqualTo("/v19.0/5550001/messages"))
                .withHeader("Authorization", equalTo("Bearer Wa-Token"))
                .withRequestBody(matchingJsonPath("$.messaging_product", equalTo("whatsapp")))
                .withRequestBody(matchingJsonPath("$.to", equalTo("447700900123")))
                .withRequestBody(matchingJsonPath("$.text.body", containing("Dear Ada"))));
    }

    @Test
    void gatewayErrorsAndTimeoutsFailTheMessageAndRetryRecovers() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        gateway.stubFor(WireMock.post(urlEqualTo("/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        gateway.stubFor(WireMock.post(urlEqualTo("/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        String flaky = channel(supervisor, "SMS", Map.of("provider", "GENERIC", "url", "/flaky"));
        String slow = channel(supervisor, "SMS", Map.of("provider", "GENERIC", "url", "/slow", "timeoutSeconds", "1"));
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);

        Answer failed = send(operator, product, flaky, "sendMessage", "S", "Ada");
        Answer timedOut = send(operator, product, slow, "sendMessage", "S", "Ada");

        assertThat(failed.body().get("synchronousDelivery").get("messageStatus").asString())
                .isEqualTo("Failed");
        assertThat(timedOut.body()
                        .get("synchronousDelivery")
                        .get("messageStatus")
                        .asString())
                .isEqualTo("Failed");
        Answer retried = post(
                "/OMSCommunicationService/retry",
                auth(operator),
                json(Map.of("requestId", failed.text("requestId"), "channelName", "")));
        assertThat(retried.status()).as(retried.raw()).isEqualTo("0");
        assertThat(jdbc.sql("select message_status from omsJobQueueItems where request_id = ?")
                        .param(Long.parseLong(failed.text("requestId")))
                        .query(String.class)
                        .single())
                .isEqualTo("DELIVERED");
    }

    @Test
    void queuedWhatsappIsSentByTheWorkers() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/wa/1/messages"))
                .willReturn(aResponse().withStatus(200)));
        String whatsapp = channel(
                supervisor, "WHATSAPP", Map.of("provider", "WHATSAPP_CLOUD", "url", "/wa", "phoneNumberId", "1"));

        Answer answer =
                send(sessionOfNewUser(Role.OPERATOR), product(supervisor), whatsapp, "sendWhatsapp", "Y", "Ada");

        assertThat(answer.body().get("status").asInt()).isZero();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.findAll(postRequestedFor(urlEqualTo("/wa/1/messages")))
                                .size()
                        == 1);
    }

    @Test
    void aMessageNeedsATemplateAndAPhoneChannel() {
        String supervisor = connect("oms", "11sp1");
        String operator = sessionOfNewUser(Role.OPERATOR);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", "PDF_MAIL");
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendMessage", "S");
        body.put("channelName", "CON11");
        body.put("xmlData", "<Root><Message1>x</Message1></Root>");

        assertThat(post("/OMSCommunicationService/processUsingXML", auth(operator), json(body))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(1028);
        body.put("productName", product(supervisor));
        body.put("channelName", "TestChannel");
        assertThat(post("/OMSCommunicationService/processUsingXML", auth(operator), json(body))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(1067);
    }

    @Test
    void bulkRetryRetriesTheWindowAndReportsToTheCallback() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/bulk"))
                .inScenario("bulk")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("second failure"));
        gateway.stubFor(WireMock.post(urlEqualTo("/bulk"))
                .inScenario("bulk")
                .whenScenarioStateIs("second failure")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("up"));
        gateway.stubFor(WireMock.post(urlEqualTo("/bulk"))
                .inScenario("bulk")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        gateway.stubFor(
                WireMock.post(urlEqualTo("/callback")).willReturn(aResponse().withStatus(204)));
        String channel = channel(supervisor, "SMS", Map.of("provider", "GENERIC", "url", "/bulk"));
        String product = product(supervisor);
        String operator = sessionOfNewUser(Role.OPERATOR);
        String first =
                send(operator, product, channel, "sendMessage", "S", "Ada").text("requestId");
        String second =
                send(operator, product, channel, "sendMessage", "S", "Bob").text("requestId");
        String from = java.time.LocalDateTime.now()
                .minusMinutes(5)
                .format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss"));
        String to = java.time.LocalDateTime.now()
                .plusMinutes(5)
                .format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss"));
        Map<String, String> body = new LinkedHashMap<>();
        body.put("requestId", "");
        body.put("channelName", "");
        body.put("productName", product);
        body.put("dateFrom", from);
        body.put("dateTo", to);
        body.put("callBackUrl", "http://127.0.0.1:" + gateway.port() + "/callback");

        Answer answer = post("/OMSCommunicationService/retry", auth(operator), json(body));

        assertThat(answer.status()).as(answer.raw()).isEqualTo("0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.findAll(postRequestedFor(urlEqualTo("/callback")))
                                .size()
                        == 1);
        gateway.verify(postRequestedFor(urlEqualTo("/callback"))
                .withRequestBody(matchingJsonPath("$.productName", equalTo(product)))
                .withRequestBody(matchingJsonPath("$.results[0].requestId", equalTo(first)))
                .withRequestBody(matchingJsonPath("$.results[0].status", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.results[1].requestId", equalTo(second))));
        assertThat(post("/OMSCommunicationService/retry", auth(operator), json(body))
                        .status())
                .isEqualTo("5006");
    }

    @Test
    void callbacksToInternalAddressesAreRefused() {
        String operator = sessionOfNewUser(Role.OPERATOR);
        for (String url : java.util.List.of(
                "http://10.0.0.7/hook",
                "http://169.254.169.254/latest/meta-data/",
                "http://192.168.1.1/",
                "http://[fd00::1]/",
                "http://0.0.0.0/",
                "http://100.64.0.1/",
                "file:///etc/passwd",
                "ftp://example.com/x",
                "http://user:secret@127.0.0.1/",
                "not a url")) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("requestId", "");
            body.put("productName", "PDF_MAIL");
            body.put("dateFrom", "2026-01-01 00:00:00");
            body.put("dateTo", "2026-01-02 00:00:00");
            body.put("callBackUrl", url);

            Answer answer = post("/OMSCommunicationService/retry", auth(operator), json(body));

            assertThat(answer.status()).as(url).isEqualTo("541");
            assertThat(answer.text("description")).as(url).contains("callBackUrl");
        }
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("productName", "PDF_MAIL");
        reversed.put("dateFrom", "2026-01-02 00:00:00");
        reversed.put("dateTo", "2026-01-01 00:00:00");
        assertThat(post("/OMSCommunicationService/retry", auth(operator), json(reversed))
                        .status())
                .isEqualTo("541");
        reversed.put("dateFrom", "2026-02-30 00:00:00");
        assertThat(post("/OMSCommunicationService/retry", auth(operator), json(reversed))
                        .status())
                .isEqualTo("541");
    }

    @Test
    void facebookPagePostsAndXDirectMessages() {
        String supervisor = connect("oms", "11sp1");
        gateway.stubFor(WireMock.post(urlEqualTo("/graph/4242/feed"))
                .willReturn(aResponse().withStatus(200)));
        gateway.stubFor(WireMock.post(urlEqualTo("/x/2/dm_conversations/with/987654/messages"))
                .willReturn(aResponse().withStatus(201)));
        String facebook = channel(
                supervisor,
                "FACEBOOK",
                Map.of("provider", "FACEBOOK_PAGE", "url", "/graph", "pageId", "4242", "token", "Fb-T"));
        String x = channel(supervisor, "TWITTER", Map.of("provider", "X_DM", "url", "/x", "token", "X-T"));
        String product = "SOCIAL_" + NAMES.incrementAndGet();
        post(
                "/admin/products",
                auth(supervisor),
                json(Map.of("name", product, "reportType", "LETTER", "dataKind", "XML", "socialIdPath", "Letter.xid")));
        post(
                "/admin/products/" + product + "/versions",
                auth(supervisor),
                json(Map.of(
                        "template", "<html><body><p>x</p></body></html>",
                        "messageTemplate", "Hello ${data.Letter.name}")));
        post("/admin/products/" + product + "/versions/1/baseline", auth(supervisor), null);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("productName", product);
        body.put("doArchive", "N");
        body.put("skipApproval", "Y");
        body.put("skipEditing", "Y");
        body.put("sendFacebook", "S");
        body.put("sendTwitter", "S");
        body.put("channelName", facebook);
        body.put("xmlData", "<Letter><name>Ada</name><xid>987654</xid></Letter>");

        Answer answer =
                post("/OMSCommunicationService/processUsingXML", auth(sessionOfNewUser(Role.OPERATOR)), json(body));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body()
                        .get("synchronousDelivery")
                        .get("facebookStatus")
                        .asString())
                .isEqualTo("Success");
        assertThat(answer.body().get("synchronousDelivery").get("twitterStatus").asString())
                .isEqualTo("Success");
        gateway.verify(postRequestedFor(urlEqualTo("/graph/4242/feed"))
                .withHeader("Authorization", equalTo("Bearer Fb-T"))
                .withRequestBody(matchingJsonPath("$.message", equalTo("Hello Ada"))));
        gateway.verify(postRequestedFor(urlEqualTo("/x/2/dm_conversations/with/987654/messages"))
                .withHeader("Authorization", equalTo("Bearer X-T"))
                .withRequestBody(matchingJsonPath("$.text", equalTo("Hello Ada"))));
    }
}
