package org.openccm.communication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.docx4j.TextUtils;
import org.docx4j.openpackaging.packages.WordprocessingMLPackage;
import org.junit.jupiter.api.Test;
import org.openccm.session.Directory;
import org.openccm.session.Role;
import org.openccm.support.ApiTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

class GenerationApiTest extends ApiTestBase {
    static final String XML = "/OMSCommunicationService/processUsingXML";
    static final String JSON_PATH = "/OMSCommunicationService/processUsingJSON";
    static final String DB = "/OMSCommunicationService/processUsingDB";

    @Autowired
    JdbcClient jdbc;

    static ObjectNode sample(String name) {
        return guideSample(name);
    }

    /** The guide's sample with archival and every delivery switched off (they arrive later). */
    static ObjectNode withoutDeliveryOrArchival(ObjectNode body) {
        return generationOnly(body);
    }

    private String operatorSession() {
        return sessionOfNewUser(Role.OPERATOR);
    }

    private long queueRows() {
        return jdbc.sql("select count(*) from omsJobQueueItems")
                .query(Long.class)
                .single();
    }

    @Test
    void guideXmlSampleMailsNowAndQueuesTheArchival() {
        String session = operatorSession();

        Answer answer = post(XML, auth(session), json(sample("process-xml.json")));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("synchronousDelivery").get("mailStatus").asString())
                .isEqualTo("Success");
        assertThat(answer.text("archivalDescription")).isEmpty();
        long requestId = Long.parseLong(answer.text("requestId"));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> "ARCHIVED"
                        .equals(jdbc.sql("select archive_status from omsJobQueueItems where request_id = ?")
                                .param(requestId)
                                .query(String.class)
                                .single()));
    }

    @Test
    void socialDeliveryNeedsASocialChannel() {
        String session = operatorSession();
        long before = queueRows();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("sendFacebook", "S");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(1067);
        assertThat(answer.text("description")).contains("FACEBOOK");
        assertThat(queueRows()).isEqualTo(before);
    }

    @Test
    void guideXmlSampleProducesTheMailLetter() {
        String session = operatorSession();

        Answer answer = post(XML, auth(session), json(withoutDeliveryOrArchival(sample("process-xml.json"))));

        assertThat(answer.body().get("status").isInt()).isTrue();
        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("mainCode").asInt()).isZero();
        assertThat(answer.body().get("requestId").isString()).isTrue();
        String requestId = answer.text("requestId");
        assertThat(answer.text("filePathName")).isEqualTo("PDF_MAIL/PDF_MAIL_" + requestId + ".pdf");
        assertThat(answer.text("mailBodyPathName")).isEqualTo("PDF_MAIL/PDF_MAIL_" + requestId + ".html");
        assertThat(answer.text("latestBaselinedVersion")).isEqualTo("Y");
        assertThat(answer.text("transactionId")).isEqualTo("0");
        assertThat(answer.text("encodedFileData")).isEmpty();
        assertThat(answer.body().path("synchronousDelivery").path("mailStatus").asString())
                .isEmpty();
        assertThat(answer.body().path("archivalDetails").path("documentIndex").asInt())
                .isZero();
        PdfText pdf = extract(answer.text("filePathName"));
        assertThat(pdf.text()).contains("Hello").contains("World").contains("123");
        assertThat(outputFile(answer.text("mailBodyPathName"))).content().contains("Hello");
    }

    @Test
    void javaClientSampleProducesThePdfMailStatement() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml-java-client.json"));

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.text("filePathName")).startsWith("PDF_MAIL_PATH/PDF_MAIL_");
        assertThat(answer.text("transactionId")).isEqualTo(answer.text("requestId"));
        String text = extract(answer.text("filePathName")).text();
        assertThat(text)
                .contains("NEWGEN SOFTWARE TECHNOLOGY LIMITED")
                .contains("email.sender@newgensoft.com")
                .contains("11,330.00")
                .contains("String3");
    }

    @Test
    void guideJsonSampleRendersThePinnedOlderVersion() {
        String session = operatorSession();

        Answer answer = post(JSON_PATH, auth(session), json(withoutDeliveryOrArchival(sample("process-json.json"))));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.text("latestBaselinedVersion")).isEqualTo("N");
        assertThat(extract(answer.text("filePathName")).text())
                .contains("Hello")
                .contains("World");
    }

    @Test
    void productsThatAskForWordGetADocxToo() throws Exception {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-json.json"));
        body.put("encodedPDFRequired", "Y");

        Answer answer = post(JSON_PATH, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        byte[] docx = Files.readAllBytes(outputFile(answer.text("filePathName").replace(".pdf", ".docx")));
        assertThat(Base64.getDecoder().decode(answer.text("encodedDocxData"))).isEqualTo(docx);
        WordprocessingMLPackage word = WordprocessingMLPackage.load(new ByteArrayInputStream(docx));
        String text = TextUtils.getText(word.getMainDocumentPart().getJaxbElement());
        assertThat(text).contains("Hello").contains("World");
    }

    @Test
    void xmlAndJsonDataReachTheTemplateInTheSameShape() {
        String session = operatorSession();
        ObjectNode fromXml = withoutDeliveryOrArchival(sample("process-xml.json"));
        fromXml.put("productName", "MAIL_JSON");
        fromXml.put("reportVersion", "1");
        ObjectNode fromJson = withoutDeliveryOrArchival(sample("process-json.json"));

        String xmlText = extract(post(XML, auth(session), json(fromXml)).text("filePathName"))
                .text();
        String jsonText = extract(post(JSON_PATH, auth(session), json(fromJson)).text("filePathName"))
                .text();

        assertThat(strip(xmlText)).isEqualTo(strip(jsonText));
    }

    /** The letters differ only in the request number and dates printed on them. */
    private static String strip(String text) {
        return text.replaceAll("\\d{4,}", "#");
    }

    @Test
    void guideDbSampleReadsTheRecordForTheMasterKey() {
        String session = operatorSession();

        Answer answer = post(DB, auth(session), json(sample("process-db.json")));

        assertThat(answer.body().get("status").asInt()).as(answer.raw()).isZero();
        assertThat(answer.body().get("requestId").isNumber()).isTrue();
        assertThat(answer.body().has("mainCode")).isFalse();
        assertThat(answer.body().has("transactionId")).isFalse();
        long requestId = answer.body().get("requestId").asLong();
        assertThat(answer.text("filePathName")).isEqualTo("Generation/DB/DBgeneration_" + requestId + ".pdf");
        assertThat(extract(answer.text("filePathName")).text())
                .contains("Clara")
                .contains("Jensen")
                .contains("HOM-2024-0001");
        String saved = jdbc.sql("select inputDataXML from omsJobQueueItems where request_id = ?")
                .param(requestId)
                .query(String.class)
                .single();
        assertThat(saved).contains("Jensen");
    }

    @Test
    void masterKeyIsBoundNotSpliced() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-db.json"));
        body.put("masterKey", "1' or '1'='1");

        Answer answer = post(DB, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(1029);
        assertThat(answer.text("description")).contains("No record found");
    }

    @Test
    void eachRequestIsRecordedWithWhoWhatAndHowLong() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("communicationId", "4711");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.text("communicationId")).isEqualTo("4711");
        Map<String, Object> row = jdbc.sql(
                        "select q.product_name, q.template_version, q.outcome, q.status_code, q.duration_ms,"
                                + " q.communication_id, q.inputDataXML, u.user_name from omsJobQueueItems q"
                                + " join oms_user u on u.id = q.user_id where q.request_id = ?")
                .param(Long.parseLong(answer.text("requestId")))
                .query()
                .singleRow();
        assertThat(row.get("product_name")).isEqualTo("MAIL");
        assertThat(((Number) row.get("template_version")).intValue()).isEqualTo(2);
        assertThat(row.get("outcome")).isEqualTo("GENERATED");
        assertThat(((Number) row.get("status_code")).intValue()).isZero();
        assertThat(((Number) row.get("duration_ms")).intValue()).isGreaterThanOrEqualTo(0);
        assertThat(row.get("communication_id")).isEqualTo("4711");
        assertThat(row.get("inputdataxml"))
                .as("saveClientData N keeps no input")
                .isNull();
        assertThat(row.get("user_name").toString()).startsWith("user");
    }

    @Test
    void encodedOutputsMatchTheStoredFiles() throws IOException {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("encodedPDFRequired", "Y");
        body.put("saveClientData", "Y");

        Answer answer = post(XML, auth(session), json(body));

        byte[] pdf = Base64.getDecoder().decode(answer.text("encodedFileData"));
        assertThat(pdf).isEqualTo(Files.readAllBytes(outputFile(answer.text("filePathName"))));
        assertThat(new String(Base64.getDecoder().decode(answer.text("encodedMailBodyData")), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(outputFile(answer.text("mailBodyPathName"))));
        String saved = jdbc.sql("select inputDataXML from omsJobQueueItems where request_id = ?")
                .param(Long.parseLong(answer.text("requestId")))
                .query(String.class)
                .single();
        assertThat(saved).isEqualTo(body.get("xmlData").asString());
    }

    @Test
    void emptyFileNameGetsARandomUrlSafeName() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("fileName", "");
        body.put("filePath", "");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.text("filePathName")).matches("[A-Za-z0-9_-]{16}_" + answer.text("requestId") + "\\.pdf");
        assertThat(outputFile(answer.text("filePathName"))).exists();
    }

    @Test
    void requestIdsIncrease() {
        String session = operatorSession();
        String body = json(withoutDeliveryOrArchival(sample("process-xml.json")));

        long first = Long.parseLong(post(XML, auth(session), body).text("requestId"));
        long second = Long.parseLong(post(XML, auth(session), body).text("requestId"));

        assertThat(second).isGreaterThan(first);
    }

    @Test
    void productAndVersionProblemsHaveTheirCodes() {
        String session = operatorSession();
        ObjectNode unknown = withoutDeliveryOrArchival(sample("process-xml.json"));
        unknown.put("productName", "NO_SUCH_PRODUCT");
        ObjectNode empty = withoutDeliveryOrArchival(sample("process-xml.json"));
        empty.put("productName", "");
        ObjectNode missingVersion = withoutDeliveryOrArchival(sample("process-xml.json"));
        missingVersion.put("reportVersion", "9");
        ObjectNode wrongOperation = withoutDeliveryOrArchival(sample("process-xml.json"));
        wrongOperation.put("productName", "PRINT1");

        assertThat(post(XML, auth(session), json(unknown)).body().get("status").asInt())
                .isEqualTo(1027);
        assertThat(post(XML, auth(session), json(empty)).body().get("status").asInt())
                .isEqualTo(1027);
        Answer version = post(XML, auth(session), json(missingVersion));
        assertThat(version.body().get("status").asInt()).isEqualTo(1029);
        assertThat(version.text("description")).contains("no version 9");
        assertThat(post(XML, auth(session), json(wrongOperation))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(1028);
    }

    @Test
    void credentialsAreCheckedBeforeTheBody() {
        String session = operatorSession();
        Directory.Cabinet other = directory.createCabinet("gen" + Long.toString(System.nanoTime(), 36));

        Answer noCabinet = post(XML, Map.of("sessionId", session), "not even json");
        Answer unknownCabinet = post(XML, Map.of("cabinetName", "nope", "sessionId", session), "{}");
        Answer noSession = post(XML, Map.of("cabinetName", CABINET), "not even json");
        Answer wrongCabinet = post(XML, Map.of("cabinetName", other.name(), "sessionId", session), "{}");

        assertThat(noCabinet.body().get("status").asInt()).isEqualTo(-1011);
        assertThat(unknownCabinet.body().get("status").asInt()).isEqualTo(-1011);
        assertThat(noSession.body().get("status").asInt()).isEqualTo(-50146);
        assertThat(wrongCabinet.body().get("status").asInt()).isEqualTo(-50146);
        assertThat(noSession.text("description")).startsWith("OMS_INVALID_SESSION_HANDLE");
    }

    @Test
    void viewersMayNotGenerate() {
        String session = sessionOfNewUser(Role.VIEWER);

        Answer answer = post(XML, auth(session), json(withoutDeliveryOrArchival(sample("process-xml.json"))));

        assertThat(answer.body().get("status").asInt()).isEqualTo(-50110);
    }

    @Test
    void malformedFieldsAreRefusedWith541AndTheFieldName() {
        String session = operatorSession();
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("doArchive", "X");
        cases.put("skipApproval", "");
        cases.put("skipEditing", "y");
        cases.put("sendMail", "YES");
        cases.put("communicationId", "0");
        cases.put("reportVersion", "1000");
        cases.put("encodedPDFRequired", "S");
        cases.put("saveClientData", "maybe");
        cases.put("fileName", "f".repeat(201));
        cases.put("xmlData", "");
        cases.forEach((field, value) -> {
            ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
            body.put(field, value.toString());

            Answer answer = post(XML, auth(session), json(body));

            assertThat(answer.body().get("status").asInt())
                    .as(field + ": " + answer.raw())
                    .isEqualTo(541);
            assertThat(answer.text("description")).as(field).contains(field);
        });
        ObjectNode numberForText = withoutDeliveryOrArchival(sample("process-xml.json"));
        numberForText.putObject("productName");
        assertThat(post(XML, auth(session), json(numberForText))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(541);
        assertThat(post(XML, auth(session), "[1,2]").body().get("status").asInt())
                .isEqualTo(541);
        assertThat(post(XML, auth(session), "{\"productName\":")
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(541);
        ObjectNode longKey = withoutDeliveryOrArchival(sample("process-db.json"));
        longKey.put("masterKey", "k".repeat(51));
        assertThat(post(DB, auth(session), json(longKey)).body().get("status").asInt())
                .isEqualTo(541);
    }

    @Test
    void channelNameIsIgnoredUnlessASendIsSynchronous() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("channelName", "c".repeat(40));

        assertThat(post(XML, auth(session), json(body)).body().get("status").asInt())
                .isZero();
    }

    @Test
    void malformedDataIsReportedBeforeBusinessRules() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("productName", "NO_SUCH_PRODUCT");
        body.put("xmlData", "<SampleData><Field1>unclosed</SampleData>");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
        assertThat(answer.text("description")).contains("xmlData");
    }

    @Test
    void communicationIdIsEchoedOnRefusals() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("communicationId", "777");
        body.put("doArchive", "Q");

        assertThat(post(XML, auth(session), json(body)).text("communicationId")).isEqualTo("777");
    }

    @Test
    void controlCharactersInNamesAreRefused() {
        String session = operatorSession();
        ObjectNode body = withoutDeliveryOrArchival(sample("process-xml.json"));
        body.put("productName", "MAIL\nINFO forged log line");

        Answer answer = post(XML, auth(session), json(body));

        assertThat(answer.body().get("status").asInt()).isEqualTo(541);
    }

    @Test
    void synchronousStepRulesComeBeforeAvailability() {
        String session = operatorSession();
        ObjectNode heldBack = sample("process-xml-java-client.json");
        heldBack.put("skipEditing", "N");
        ObjectNode unknownChannel = sample("process-xml.json");
        unknownChannel.put("channelName", "NO_SUCH_CHANNEL");
        ObjectNode noChannel = sample("process-xml.json");
        noChannel.put("channelName", "");

        assertThat(post(XML, auth(session), json(heldBack)).body().get("status").asInt())
                .isEqualTo(1034);
        assertThat(post(XML, auth(session), json(unknownChannel))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(1067);
        assertThat(post(XML, auth(session), json(noChannel))
                        .body()
                        .get("status")
                        .asInt())
                .isEqualTo(1067);
    }
}
